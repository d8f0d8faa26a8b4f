/**
 * Staff accounts and their server-side sessions. A session is a random token in an httpOnly cookie;
 * the database keeps only its SHA-256, the account and a CSRF token, so logging out, disabling an
 * account or changing its password ends its sessions at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '#core/node/sqlite.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.ts';
import { isRole, type Role } from './roles.ts';

export interface Account {
  id: number;
  username: string;
  role: Role;
  mustChange: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface SessionInfo {
  account: Account;
  csrf: string;
  expiresAt: string;
}

/** A refusal the API turns into a 400/404/409 with this code and both messages. */
export class AccountError extends Error {
  override name = 'AccountError';
  constructor(
    readonly code: 'USERNAME_TAKEN' | 'BAD_USERNAME' | 'WEAK_PASSWORD' | 'BAD_ROLE' | 'NOT_FOUND' | 'LAST_ADMIN' | 'WRONG_PASSWORD',
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const USERNAME_RE = /^[a-z0-9._-]{3,32}$/i;
// Compared against when the username is unknown, so both answers take the same time.
const DUMMY_HASH = hashPassword(randomBytes(12).toString('hex'));

interface AccountRow {
  id: number;
  username: string;
  role: string;
  must_change: number;
  disabled: number;
  created_at: string;
  password_hash: string;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  username: r.username,
  role: isRole(r.role) ? r.role : 'viewer',
  mustChange: r.must_change === 1,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

export class AccountStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
    /** Session lifetime in ms; default 12 h (a school day). */
    private readonly sessionMs = 12 * 3600 * 1000,
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM accounts`).get() as { n: number }).n;
  }

  list(): Account[] {
    return (this.db.prepare(`SELECT * FROM accounts ORDER BY username`).all() as AccountRow[]).map(toAccount);
  }

  byUsername(username: string): Account | null {
    const r = this.db.prepare(`SELECT * FROM accounts WHERE username = ?`).get(username) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  byId(id: number): Account | null {
    const r = this.db.prepare(`SELECT * FROM accounts WHERE id = ?`).get(id) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  create(a: { username: string; password: string; role: Role; mustChange?: boolean; minLength?: number }): Account {
    if (!USERNAME_RE.test(a.username)) {
      throw new AccountError('BAD_USERNAME', 'Tên đăng nhập gồm 3–32 chữ cái không dấu, số, dấu chấm, gạch.', 'A username is 3–32 letters, digits, dots, dashes or underscores.');
    }
    if (!isRole(a.role)) throw new AccountError('BAD_ROLE', 'Vai trò không hợp lệ.', 'Unknown role.');
    this.checkStrength(a.password, a.minLength);
    if (this.byUsername(a.username)) throw new AccountError('USERNAME_TAKEN', 'Tên đăng nhập này đã có.', 'This username is taken.');
    const now = this.now();
    const info = this.db
      .prepare(`INSERT INTO accounts (username, password_hash, role, must_change, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(a.username, hashPassword(a.password), a.role, a.mustChange ? 1 : 0, now, now);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  private checkStrength(password: string, minLength = MIN_PASSWORD_LENGTH): void {
    if (typeof password !== 'string' || password.length < minLength || password.length > 200) {
      throw new AccountError('WEAK_PASSWORD', `Mật khẩu cần ít nhất ${minLength} ký tự.`, `A password needs at least ${minLength} characters.`);
    }
  }

  /** The account when username and password match an enabled account, else null. Always hashes once. */
  verify(username: string, password: string): Account | null {
    const r = this.db.prepare(`SELECT * FROM accounts WHERE username = ?`).get(username) as AccountRow | undefined;
    const ok = verifyPassword(password, r?.password_hash ?? DUMMY_HASH);
    return r && ok && r.disabled === 0 ? toAccount(r) : null;
  }

  /** Sets a new password; ends every session of the account except `keepToken`'s. */
  setPassword(id: number, password: string, o: { mustChange?: boolean; keepToken?: string } = {}): void {
    this.checkStrength(password);
    const info = this.db
      .prepare(`UPDATE accounts SET password_hash = ?, must_change = ?, updated_at = ? WHERE id = ?`)
      .run(hashPassword(password), o.mustChange ? 1 : 0, this.now(), id);
    if (info.changes === 0) throw new AccountError('NOT_FOUND', 'Không có tài khoản này.', 'No such account.');
    this.db.prepare(`DELETE FROM auth_sessions WHERE account_id = ? AND token_hash != ?`).run(id, o.keepToken ? sha256(o.keepToken) : '');
  }

  /** Changes the caller's own password after checking the current one. */
  changeOwnPassword(id: number, current: string, next: string, keepToken: string): void {
    const r = this.db.prepare(`SELECT * FROM accounts WHERE id = ?`).get(id) as AccountRow | undefined;
    if (!r) throw new AccountError('NOT_FOUND', 'Không có tài khoản này.', 'No such account.');
    if (!verifyPassword(current, r.password_hash)) throw new AccountError('WRONG_PASSWORD', 'Mật khẩu hiện tại không đúng.', 'The current password is wrong.');
    if (current === next) throw new AccountError('WEAK_PASSWORD', 'Mật khẩu mới phải khác mật khẩu cũ.', 'The new password must differ from the old one.');
    this.setPassword(id, next, { keepToken });
  }

  /** Changes role and/or disables; refuses to leave the school without an enabled admin. */
  update(id: number, change: { role?: Role; disabled?: boolean }): Account {
    const acc = this.byId(id);
    if (!acc) throw new AccountError('NOT_FOUND', 'Không có tài khoản này.', 'No such account.');
    if (change.role !== undefined && !isRole(change.role)) throw new AccountError('BAD_ROLE', 'Vai trò không hợp lệ.', 'Unknown role.');
    const role = change.role ?? acc.role;
    const disabled = change.disabled ?? acc.disabled;
    if (acc.role === 'admin' && !acc.disabled && (role !== 'admin' || disabled)) {
      const admins = (this.db.prepare(`SELECT COUNT(*) AS n FROM accounts WHERE role = 'admin' AND disabled = 0`).get() as { n: number }).n;
      if (admins <= 1) throw new AccountError('LAST_ADMIN', 'Phải còn ít nhất một quản trị viên.', 'At least one admin must remain.');
    }
    this.db.transaction(() => {
      this.db.prepare(`UPDATE accounts SET role = ?, disabled = ?, updated_at = ? WHERE id = ?`).run(role, disabled ? 1 : 0, this.now(), id);
      // A new role or a disabled account takes effect now, not at the session's expiry.
      if (role !== acc.role || disabled) this.db.prepare(`DELETE FROM auth_sessions WHERE account_id = ?`).run(id);
    })();
    return this.byId(id)!;
  }

  // ---- sessions ---------------------------------------------------------------------------------

  /** Opens a session; returns the cookie token (only its hash is stored) and the CSRF token. */
  openSession(accountId: number): { token: string; csrf: string; expiresAt: string } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.sessionMs).toISOString();
    this.db.prepare(`DELETE FROM auth_sessions WHERE expires_at <= ?`).run(now.toISOString());
    this.db
      .prepare(`INSERT INTO auth_sessions (token_hash, account_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`)
      .run(sha256(token), accountId, csrf, now.toISOString(), expiresAt);
    return { token, csrf, expiresAt };
  }

  /** The live session of a cookie token, or null (unknown, expired, account disabled). */
  session(token: string | undefined): SessionInfo | null {
    if (!token) return null;
    const r = this.db
      .prepare(
        `SELECT a.*, s.csrf, s.expires_at FROM auth_sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND a.disabled = 0`,
      )
      .get(sha256(token), this.now()) as (AccountRow & { csrf: string; expires_at: string }) | undefined;
    return r ? { account: toAccount(r), csrf: r.csrf, expiresAt: r.expires_at } : null;
  }

  closeSession(token: string | undefined): void {
    if (token) this.db.prepare(`DELETE FROM auth_sessions WHERE token_hash = ?`).run(sha256(token));
  }
}
