/**
 * The accounts a server starts with. In `sim` mode the README's demo logins; the config's `staff`
 * entries in any mode (created once, their password then managed in the dashboard); in `production`
 * with no account at all, one `admin` with a one-time password the caller prints on the console,
 * which must be changed at the first login.
 */
import type { AccountStore } from './accounts.ts';
import { oneTimePassword } from './password.ts';
import type { Role } from './roles.ts';

export interface SeedAccount {
  username: string;
  password: string;
  role: Role;
}

export interface BootstrapResult {
  created: string[];
  /** Set only when the first admin was created: print it once, it is stored nowhere in clear. */
  firstAdmin: { username: string; password: string } | null;
}

export function bootstrapAccounts(store: AccountStore, o: { mode: 'sim' | 'production'; demo: SeedAccount[]; staff: SeedAccount[] }): BootstrapResult {
  const created: string[] = [];
  const seeds = o.mode === 'sim' ? [...o.demo, ...o.staff] : o.staff;
  for (const s of seeds) {
    if (store.byUsername(s.username)) continue;
    // Demo and config passwords are as short as the README/config made them (config asks ≥ 6).
    store.create({ ...s, minLength: 1 });
    created.push(s.username);
  }
  let firstAdmin: BootstrapResult['firstAdmin'] = null;
  if (o.mode === 'production' && !store.list().some((a) => a.role === 'admin')) {
    const password = oneTimePassword();
    const username = store.byUsername('admin') ? `admin${store.count()}` : 'admin';
    store.create({ username, password, role: 'admin', mustChange: true });
    created.push(username);
    firstAdmin = { username, password };
  }
  return { created, firstAdmin };
}
