import type { LoanView } from '../../../core/protocol/messages.ts';
import { formatDate, t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { WarnIcon } from './icons.tsx';

interface Props {
  loans: LoanView[];
  /** Loans whose "Gia hạn" was already tapped in this session (the daemon's answer is the notice). */
  renewRequested: readonly string[];
  onRenew(barcode: string): void;
}

/**
 * What the patron already has at home; overdue ones say so plainly, without alarm colours everywhere.
 * Every loan offers "Gia hạn": whether it may be renewed is the daemon's call, and its answer shows
 * as a notice, so a child learns why rather than meeting a grey button.
 */
export function LoanList({ loans, renewRequested, onRenew }: Props) {
  if (loans.length === 0) {
    return (
      <p class="muted">
        <Bi text={t.noLoans} />
      </p>
    );
  }
  return (
    <ul class="loan-list">
      {loans.map((loan) => {
        const asked = renewRequested.includes(loan.barcode);
        return (
          <li key={loan.barcode} data-testid="loan-line" data-barcode={loan.barcode} class={loan.overdue ? 'loan overdue' : 'loan'}>
            <span class="loan-title">{loan.title}</span>
            <span data-testid="loan-due" class="loan-due">
              <Bi text={t.due(formatDate(loan.dueDate))} />
            </span>
            {loan.overdue && (
              <span data-testid="loan-overdue" class="badge-overdue">
                <WarnIcon />
                <Bi text={t.overdue} />
              </span>
            )}
            <button
              type="button"
              class="btn renew"
              data-testid="renew"
              data-barcode={loan.barcode}
              disabled={asked}
              aria-label={`${t.renew.vi}: ${loan.title} / ${t.renew.en}`}
              onClick={() => onRenew(loan.barcode)}
            >
              <Bi text={t.renew} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
