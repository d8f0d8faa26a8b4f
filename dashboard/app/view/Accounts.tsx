/**
 * The admin's account page: who may log in with which role; a new account or a reset gets a
 * one-time password shown once here, to hand over, which must be changed at the first login.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Account } from '../../src/accounts/accounts.ts';
import type { AuditEntry } from '../../src/accounts/audit.ts';
import { ApiError } from '../adapter/api.ts';
import { getJson, sendJson } from '../adapter/http.ts';
import { formatTime, reasonText, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

export const ROLE_TEXT: Record<string, Bilingual> = {
  admin: { vi: 'Quản trị', en: 'Admin' },
  librarian: { vi: 'Cán bộ thư viện', en: 'Librarian' },
  viewer: { vi: 'Chỉ xem (Ban giám hiệu)', en: 'Viewer (principal)' },
};

const text = {
  title: { vi: 'Tài khoản', en: 'Accounts' },
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  role: { vi: 'Vai trò', en: 'Role' },
  state: { vi: 'Trạng thái', en: 'State' },
  active: { vi: 'Đang dùng', en: 'Active' },
  disabled: { vi: 'Đã khoá', en: 'Disabled' },
  mustChange: { vi: 'chờ đổi mật khẩu', en: 'must change password' },
  create: { vi: 'Tạo tài khoản', en: 'Create account' },
  disable: { vi: 'Khoá', en: 'Disable' },
  enable: { vi: 'Mở khoá', en: 'Enable' },
  reset: { vi: 'Cấp lại mật khẩu', en: 'Reset password' },
  audit: { vi: 'Nhật ký truy cập (xem lịch sử mượn của học sinh, thay đổi)', en: 'Audit log (pupil history views, changes)' },
  when: { vi: 'Lúc', en: 'When' },
  who: { vi: 'Ai', en: 'Who' },
  action: { vi: 'Việc', en: 'Action' },
  patron: { vi: 'Bạn đọc', en: 'Patron' },
  otp: (u: string, p: string): Bilingual => ({
    vi: `Mật khẩu dùng một lần của ${u}: ${p} — chỉ hiện lần này; người dùng phải đổi khi đăng nhập.`,
    en: `One-time password for ${u}: ${p} — shown only now; it must be changed at login.`,
  }),
};

export function Accounts() {
  const [rows, setRows] = useState<Account[]>([]);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState('librarian');
  const [msg, setMsg] = useState<{ ok: boolean; text: Bilingual } | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const load = () =>
    Promise.all([getJson<Account[]>('/api/accounts').then(setRows), getJson<AuditEntry[]>('/api/audit?limit=50').then(setAudit)]).catch(() => undefined);
  useEffect(() => {
    void load();
  }, []);

  async function act(fn: () => Promise<void>) {
    try {
      await fn();
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError && err.reason ? reasonText(err.reason) : { vi: 'Lỗi', en: 'Error' } });
    }
    await load();
  }

  return (
    <section class="accounts" data-testid="accounts">
      <h2>
        <Bi text={text.title} />
      </h2>
      {msg && (
        <p class={msg.ok ? 'notice ok' : 'error'} role="status" data-testid="accounts-message">
          <Bi text={msg.text} />
        </p>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {[text.username, text.role, text.state].map((h) => (
                <th key={h.en}>
                  <Bi text={h} />
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid="account-row" data-username={a.username}>
                <td>
                  <code>{a.username}</code>
                </td>
                <td>
                  <select
                    value={a.role}
                    aria-label={`${text.role.vi} ${a.username}`}
                    onChange={(e) => void act(async () => void (await sendJson('PATCH', `/api/accounts/${a.id}`, { role: e.currentTarget.value })))}
                  >
                    {Object.entries(ROLE_TEXT).map(([k, v]) => (
                      <option key={k} value={k}>
                        {v.vi} / {v.en}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <span class={a.disabled ? 'badge bad' : 'badge ok'}>
                    <Bi text={a.disabled ? text.disabled : text.active} />
                  </span>
                  {a.mustChange && (
                    <div class="muted small">
                      <Bi text={text.mustChange} />
                    </div>
                  )}
                </td>
                <td class="actions">
                  <button type="button" class="btn" onClick={() => void act(async () => void (await sendJson('PATCH', `/api/accounts/${a.id}`, { disabled: !a.disabled })))}>
                    <Bi text={a.disabled ? text.enable : text.disable} />
                  </button>
                  <button
                    type="button"
                    class="btn"
                    onClick={() =>
                      void act(async () => {
                        const r = await sendJson<{ oneTimePassword: string }>('POST', `/api/accounts/${a.id}/reset-password`, {});
                        setMsg({ ok: true, text: text.otp(a.username, r.oneTimePassword) });
                      })
                    }
                  >
                    <Bi text={text.reset} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        class="form inline"
        data-testid="account-create"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            const r = await sendJson<{ account: Account; oneTimePassword: string }>('POST', '/api/accounts', { username: username.trim(), role });
            setMsg({ ok: true, text: text.otp(r.account.username, r.oneTimePassword) });
            setUsername('');
          });
        }}
      >
        <label>
          <Bi text={text.username} />
          <input required autocomplete="off" autocapitalize="off" value={username} data-testid="new-username" onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          <Bi text={text.role} />
          <select value={role} data-testid="new-role" onChange={(e) => setRole(e.currentTarget.value)}>
            {Object.entries(ROLE_TEXT).map(([k, v]) => (
              <option key={k} value={k}>
                {v.vi} / {v.en}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn primary">
          <Bi text={text.create} />
        </button>
      </form>
      <h3>
        <Bi text={text.audit} />
      </h3>
      <div class="table-wrap">
        <table data-testid="audit">
          <thead>
            <tr>
              {[text.when, text.who, text.action, text.patron].map((h) => (
                <th key={h.en}>
                  <Bi text={h} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {audit.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at)}</td>
                <td>
                  <code>{e.account}</code>
                </td>
                <td>{e.action}</td>
                <td>{e.patronId && <code>{e.patronId}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
