/**
 * Login rate limit, per client address and per username: after `free` failures within `windowMs`
 * each further attempt must wait, doubling from `baseMs` up to `maxMs`. A success clears the
 * username's count (not the address's: one right password must not unlock guessing others).
 * In memory: a restart forgets, which costs an attacker a restart they cannot cause.
 */
export interface LimiterOptions {
  clock: () => Date;
  /** Failures allowed before waiting; default 5. */
  free?: number;
  /** Failures older than this are forgotten; default 15 min. */
  windowMs?: number;
  /** First wait; default 30 s. */
  baseMs?: number;
  /** Longest wait; default 15 min. */
  maxMs?: number;
}

interface Entry {
  failures: number;
  last: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly windowMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private readonly o: LimiterOptions) {
    this.free = o.free ?? 5;
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.baseMs = o.baseMs ?? 30_000;
    this.maxMs = o.maxMs ?? 15 * 60_000;
  }

  private keys(ip: string, username: string): string[] {
    return [`ip:${ip}`, `user:${username.toLowerCase()}`];
  }

  private entry(key: string, now: number): Entry | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (now - e.last > this.windowMs + this.maxMs) {
      this.entries.delete(key);
      return null;
    }
    return e;
  }

  /** Milliseconds the caller must still wait before trying (0 = may try now). */
  retryAfterMs(ip: string, username: string): number {
    const now = this.o.clock().getTime();
    let wait = 0;
    for (const k of this.keys(ip, username)) {
      const e = this.entry(k, now);
      if (!e || e.failures < this.free) continue;
      const delay = Math.min(this.maxMs, this.baseMs * 2 ** (e.failures - this.free));
      wait = Math.max(wait, e.last + delay - now);
    }
    return Math.max(0, wait);
  }

  failed(ip: string, username: string): void {
    const now = this.o.clock().getTime();
    for (const k of this.keys(ip, username)) {
      const e = this.entry(k, now);
      const recent = e && now - e.last <= this.windowMs;
      this.entries.set(k, { failures: recent ? e.failures + 1 : 1, last: now });
    }
    // Bounded memory under a spray of usernames: forget the oldest.
    if (this.entries.size > 10_000) {
      const oldest = [...this.entries.entries()].sort((a, b) => a[1].last - b[1].last).slice(0, 1000);
      for (const [k] of oldest) this.entries.delete(k);
    }
  }

  succeeded(username: string): void {
    this.entries.delete(`user:${username.toLowerCase()}`);
  }
}
