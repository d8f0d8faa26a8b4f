/**
 * Visit and loan rates as horizontal bars, one pair per group, with each group's target marked on
 * its bar and the pupil targets as dashed lines across. Hand-written SVG: no chart library.
 */
import type { RateRow } from '../../src/stats/rates.ts';
import { Bi } from './Bi.tsx';

const W = 680;
const LABEL = 110;
const PLOT = W - LABEL - 50;
const BAR = 11;
const GAP = 8;
const ROW = BAR * 2 + GAP;
const TOP = 22;

const x = (pct: number) => LABEL + (Math.max(0, Math.min(100, pct)) / 100) * PLOT;
const pctOf = (r: number | null) => (r === null ? 0 : r * 100);
const fmt = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10}%`);

export function RateChart({ rows, label, pupilVisitTarget, pupilLoanTarget }: { rows: RateRow[]; label: string; pupilVisitTarget: number; pupilLoanTarget: number }) {
  const h = TOP + rows.length * ROW + 24;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${h}`} width="100%" role="img" aria-label={label} data-testid="rate-chart">
        <title>{label}</title>
        {[0, 25, 50, 75, 100].map((p) => (
          <g key={p}>
            <line x1={x(p)} x2={x(p)} y1={TOP - 6} y2={h - 20} class="grid" />
            <text x={x(p)} y={h - 6} class="tick" text-anchor="middle">
              {p}%
            </text>
          </g>
        ))}
        <line x1={x(pupilVisitTarget)} x2={x(pupilVisitTarget)} y1={TOP - 10} y2={h - 20} class="target visit" data-testid="target-visit" />
        <text x={x(pupilVisitTarget)} y={TOP - 12} class="tick visit" text-anchor="middle">
          {pupilVisitTarget}%
        </text>
        <line x1={x(pupilLoanTarget)} x2={x(pupilLoanTarget)} y1={TOP - 10} y2={h - 20} class="target loan" data-testid="target-loan" />
        <text x={x(pupilLoanTarget)} y={TOP - 12} class="tick loan" text-anchor="middle">
          {pupilLoanTarget}%
        </text>
        {rows.map((r, i) => {
          const y = TOP + i * ROW;
          return (
            <g key={`${r.group}:${r.key}`} data-testid="chart-row" data-name={r.name}>
              <text x={LABEL - 8} y={y + BAR + 4} class="label" text-anchor="end">
                {r.name}
              </text>
              <rect x={LABEL} y={y} width={x(pctOf(r.visitRate)) - LABEL} height={BAR} class={`bar visit${r.visitMet === false ? ' below' : ''}`}>
                <title>{`${r.name}: ${fmt(r.visitRate)} (${r.visited}/${r.members})`}</title>
              </rect>
              <rect x={LABEL} y={y + BAR} width={x(pctOf(r.loanRate)) - LABEL} height={BAR} class={`bar loan${r.loanMet === false ? ' below' : ''}`}>
                <title>{`${r.name}: ${fmt(r.loanRate)} (${r.borrowed}/${r.members})`}</title>
              </rect>
              <line x1={x(r.visitTarget)} x2={x(r.visitTarget)} y1={y - 1} y2={y + BAR + 1} class="mark" />
              <line x1={x(r.loanTarget)} x2={x(r.loanTarget)} y1={y + BAR - 1} y2={y + 2 * BAR + 1} class="mark" />
              <text x={x(pctOf(r.visitRate)) + 4} y={y + BAR - 2} class="value">
                {fmt(r.visitRate)}
              </text>
              <text x={x(pctOf(r.loanRate)) + 4} y={y + 2 * BAR - 2} class="value">
                {fmt(r.loanRate)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        <span class="key visit" /> <Bi text={{ vi: 'Tỷ lệ đến thư viện', en: 'Visit rate' }} /> <span class="key loan" />{' '}
        <Bi text={{ vi: 'Tỷ lệ mượn sách', en: 'Loan rate' }} /> <span class="key target" /> <Bi text={{ vi: 'Chỉ tiêu', en: 'Target' }} />
      </figcaption>
    </figure>
  );
}

export { fmt as formatRate };
