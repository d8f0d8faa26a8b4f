/** Dashboard logins that exist in sim mode only (documented in the README); production has none. */
import type { Role } from './accounts/roles.ts';

export interface StaffAccount {
  username: string;
  password: string;
  role: Role;
}

export const DEMO_STAFF: StaffAccount[] = [
  { username: 'thuthu', password: 'thuvien', role: 'librarian' },
  { username: 'hieutruong', password: 'hieutruong', role: 'viewer' },
  { username: 'quantri', password: 'quantri', role: 'admin' },
];
