/** Dashboard logins that exist in sim mode only (documented in the README); production has none. */
export interface StaffAccount {
  username: string;
  password: string;
  role: 'librarian' | 'viewer';
}

export const DEMO_STAFF: StaffAccount[] = [
  { username: 'thuthu', password: 'thuvien', role: 'librarian' },
  { username: 'hieutruong', password: 'hieutruong', role: 'viewer' },
];
