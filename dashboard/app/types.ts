/**
 * The dashboard's HTTP contract that is not in core/protocol (login and page metadata only
 * concern this page and its server).
 */

export interface DemoLogin {
  username: string;
  password: string;
  role: string;
}

/** GET /api/meta: what the login page needs before anyone has logged in. */
export interface ServerMeta {
  mode: 'sim' | 'production';
  schoolName: string;
  /** Only in sim mode. */
  demoLogins?: DemoLogin[];
}

/** GET /api/me, POST /api/login. */
export interface User {
  username: string;
  /** 'admin' | 'librarian' | 'viewer' (dashboard/src/accounts/roles.ts). */
  role: string;
  /** A one-time password is in use: nothing but changing it until it is. */
  mustChange?: boolean;
}
