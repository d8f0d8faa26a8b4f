/** Changing one's own password; the only page a one-time password opens. */
import { useState } from 'preact/hooks';
import { ApiError } from '../adapter/api.ts';
import { sendJson } from '../adapter/http.ts';
import { reasonText, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

const text = {
  title: { vi: 'Đổi mật khẩu', en: 'Change password' },
  required: { vi: 'Bạn đang dùng mật khẩu dùng một lần: hãy đặt mật khẩu mới để tiếp tục.', en: 'You are using a one-time password: set a new one to continue.' },
  current: { vi: 'Mật khẩu hiện tại', en: 'Current password' },
  next: { vi: 'Mật khẩu mới (ít nhất 8 ký tự)', en: 'New password (at least 8 characters)' },
  again: { vi: 'Nhập lại mật khẩu mới', en: 'New password again' },
  mismatch: { vi: 'Hai mật khẩu mới không giống nhau.', en: 'The two new passwords differ.' },
  save: { vi: 'Đổi mật khẩu', en: 'Change password' },
  done: { vi: 'Đã đổi mật khẩu.', en: 'Password changed.' },
};

export function ChangePassword({ required, onDone }: { required: boolean; onDone(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: Bilingual } | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    if (next !== again) return setMsg({ ok: false, text: text.mismatch });
    try {
      await sendJson('POST', '/api/account/password', { current, next });
      setMsg({ ok: true, text: text.done });
      setCurrent('');
      setNext('');
      setAgain('');
      onDone();
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError && err.reason ? reasonText(err.reason) : { vi: 'Lỗi', en: 'Error' } });
    }
  }
  return (
    <section class="password" data-testid="change-password">
      <h2>
        <Bi text={text.title} />
      </h2>
      {required && (
        <p class="banner">
          <Bi text={text.required} />
        </p>
      )}
      <form class="form" onSubmit={submit}>
        <label>
          <Bi text={text.current} />
          <input type="password" autocomplete="current-password" required value={current} data-testid="pw-current" onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label>
          <Bi text={text.next} />
          <input type="password" autocomplete="new-password" required minLength={8} value={next} data-testid="pw-next" onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <label>
          <Bi text={text.again} />
          <input type="password" autocomplete="new-password" required minLength={8} value={again} data-testid="pw-again" onInput={(e) => setAgain(e.currentTarget.value)} />
        </label>
        {msg && (
          <p class={msg.ok ? 'notice ok' : 'error'} role="status" data-testid="pw-message">
            <Bi text={msg.text} />
          </p>
        )}
        <button type="submit" class="btn primary" data-testid="pw-save">
          <Bi text={text.save} />
        </button>
      </form>
    </section>
  );
}
