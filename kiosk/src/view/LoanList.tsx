import type { LoanView } from '../../../core/protocol/messages.ts';
import { formatDate, t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { WarnIcon } from './icons.tsx';

/** What the patron already has at home; overdue ones say so plainly, without alarm colours everywhere. */
export function LoanList({ loans }: { loans: LoanView[] }) {
  if (loans.length === 0) {
    return (
      <p class="muted">
        <Bi text={t.noLoans} />
      </p>
    );
  }
  return (
    <ul class="loan-list">
      {loans.map((loan) => (
        <li key={loan.barcode} data-testid="loan-line" data-barcode={loan.barcode} class={loan.overdue ? 'loan overdue' : 'loan'}>
          <span class="loan-title">{loan.title}</span>
          <span class="loan-due">
            <Bi text={t.due(formatDate(loan.dueDate))} />
          </span>
          {loan.overdue && (
            <span data-testid="loan-overdue" class="badge-overdue">
              <WarnIcon />
              <Bi text={t.overdue} />
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
