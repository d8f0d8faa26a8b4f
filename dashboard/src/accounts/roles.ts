/** Staff roles, weakest first: a role may do everything the roles before it may. */
export const ROLES = ['viewer', 'librarian', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** True when `role` may do what `needed` may (admin ⊇ librarian ⊇ viewer). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
