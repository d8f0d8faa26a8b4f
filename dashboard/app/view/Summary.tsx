import type { TodaySummary } from '../../../core/protocol/dashboard-events.ts';
import { formatDate, t, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

const FIGURES: { key: keyof Omit<TodaySummary, 'date'>; label: Bilingual }[] = [
  { key: 'loans', label: t.loans },
  { key: 'returns', label: t.returns },
  { key: 'renewals', label: t.renewals },
  { key: 'visits', label: t.visits },
];

export function Summary({ summary }: { summary: TodaySummary | null }) {
  return (
    <section class="summary">
      <h2>{summary ? <Bi text={t.today(formatDate(summary.date))} /> : <Bi text={t.loading} />}</h2>
      <div class="figures">
        {FIGURES.map(({ key, label }) => (
          <div class="figure" key={key}>
            <span class="number" data-testid={`summary-${key}`}>
              {summary ? summary[key] : '–'}
            </span>
            <Bi text={label} />
          </div>
        ))}
      </div>
    </section>
  );
}
