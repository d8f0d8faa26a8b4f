import { useSignal } from '@preact/signals';
import { reasonText, t } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';

interface Props {
  store: DashboardStore;
  onLogin(username: string, password: string): Promise<void>;
}

export function Login({ store, onLogin }: Props) {
  const username = useSignal('');
  const password = useSignal('');
  const busy = useSignal(false);
  const meta = store.meta.value;
  const error = store.loginError.value;

  async function submit(e: Event) {
    e.preventDefault();
    busy.value = true;
    try {
      await onLogin(username.value.trim(), password.value);
    } finally {
      busy.value = false;
    }
  }

  return (
    <main class="login">
      <h1>
        {meta?.schoolName && <span class="school">{meta.schoolName}</span>}
        <Bi text={t.title} />
      </h1>
      <form onSubmit={submit} data-testid="login-form">
        <label>
          <Bi text={t.username} />
          <input
            name="username"
            data-testid="login-username"
            autocomplete="username"
            autocapitalize="off"
            required
            value={username}
            onInput={(e) => (username.value = e.currentTarget.value)}
          />
        </label>
        <label>
          <Bi text={t.password} />
          <input
            name="password"
            type="password"
            data-testid="login-password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => (password.value = e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            <Bi text={reasonText(error)} />
          </p>
        )}
        <button type="submit" class="btn primary" data-testid="login-submit" disabled={busy}>
          <Bi text={t.login} />
        </button>
      </form>
      {meta?.mode === 'sim' && meta.demoLogins && meta.demoLogins.length > 0 && (
        <section class="demo" data-testid="demo-logins">
          <h2>
            <Bi text={t.demoLogins} />
          </h2>
          <ul>
            {meta.demoLogins.map((d) => (
              <li key={d.username}>
                <button
                  type="button"
                  class="btn link"
                  onClick={() => {
                    username.value = d.username;
                    password.value = d.password;
                  }}
                >
                  <code>{d.username}</code> / <code>{d.password}</code>
                </button>
                <span class="muted">{d.role}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
