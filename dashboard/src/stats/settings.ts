/**
 * School settings edited in the dashboard (table `settings`): the targets the rates are read against
 * and how long returned-loan history keeps its pupil. Defaults are the schools' own plans
 * (Circular 16/2022 standards, design brief).
 */
import { z } from 'zod';
import type { Db } from '#core/node/sqlite.ts';

const pct = z.number().min(0).max(100);

export const targetsSchema = z
  .object({
    /** Share of pupils who visit at least once, lower and upper end of the plan's range (%). */
    pupilVisitMin: pct,
    pupilVisitMax: pct,
    /** Share of pupils who borrow at least once (%). */
    pupilLoan: pct,
    teacherVisit: pct,
    teacherLoan: pct,
    /** Library reading periods per class per semester. */
    readingPeriodsPerSemester: z.number().int().min(0).max(50),
  })
  .refine((t) => t.pupilVisitMin <= t.pupilVisitMax, { message: 'pupilVisitMin must not exceed pupilVisitMax', path: ['pupilVisitMin'] });
export type Targets = z.infer<typeof targetsSchema>;

export const settingsSchema = z.object({
  targets: targetsSchema,
  /** Days a returned loan keeps its pupil before it is anonymised for the statistics. */
  retentionDays: z.number().int().min(30).max(3650),
});
export type SchoolSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: SchoolSettings = {
  targets: { pupilVisitMin: 90, pupilVisitMax: 95, pupilLoan: 80, teacherVisit: 100, teacherLoan: 100, readingPeriodsPerSemester: 2 },
  retentionDays: 365,
};

export const settingsPatchSchema = z
  .object({ targets: z.object(targetsSchema.shape).partial().optional(), retentionDays: settingsSchema.shape.retentionDays.optional() })
  .strict();

export class Settings {
  constructor(private readonly db: Db) {}

  get(): SchoolSettings {
    const rows = this.db.prepare(`SELECT key, value FROM settings WHERE key IN ('targets', 'retentionDays')`).all() as { key: string; value: string }[];
    const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const merged = {
      targets: { ...DEFAULT_SETTINGS.targets, ...((stored.targets as object | undefined) ?? {}) },
      retentionDays: (stored.retentionDays as number | undefined) ?? DEFAULT_SETTINGS.retentionDays,
    };
    const ok = settingsSchema.safeParse(merged);
    return ok.success ? ok.data : DEFAULT_SETTINGS;
  }

  /** Applies a validated partial change; returns the new settings or the zod issues. */
  update(patch: unknown): { ok: true; settings: SchoolSettings } | { ok: false; issues: string[] } {
    const p = settingsPatchSchema.safeParse(patch);
    if (!p.success) return { ok: false, issues: p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
    const cur = this.get();
    const next = { targets: { ...cur.targets, ...(p.data.targets ?? {}) }, retentionDays: p.data.retentionDays ?? cur.retentionDays };
    const v = settingsSchema.safeParse(next);
    if (!v.success) return { ok: false, issues: v.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
    const put = this.db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    this.db.transaction(() => {
      put.run('targets', JSON.stringify(v.data.targets));
      put.run('retentionDays', JSON.stringify(v.data.retentionDays));
    })();
    return { ok: true, settings: v.data };
  }
}
