import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { ItemList } from './ItemList.tsx';
import { LoanList } from './LoanList.tsx';

interface Props {
  view: SessionView;
  noSlip: boolean;
  onFinish(): void;
  onNoSlip(): void;
}

export function PatronScreen({ view, noSlip, onFinish, onNoSlip }: Props) {
  const patron = view.patron;
  const remaining = patron?.kind === 'pupil' ? t.remainingPupil : t.remainingStaff;
  return (
    <div class="patron">
      <section class="who">
        {patron && (
          <h1 class="hello">
            <span class="bi">
              <span class="vi">
                Xin chào, <span data-testid="patron-name">{patron.fullName}</span>
              </span>
              <span class="en" lang="en">
                Hello, {patron.fullName}
              </span>
            </span>
          </h1>
        )}
        <div class="facts">
          {patron?.className && (
            <span class="class-name">
              <Bi text={t.className(patron.className)} />
            </span>
          )}
          {patron?.homeroomClass && (
            <span class="class-name">
              <Bi text={t.homeroom(patron.homeroomClass)} />
            </span>
          )}
          <span data-testid="remaining" class="remaining">
            <Bi text={remaining(view.remaining)} />
          </span>
        </div>
        <h2>
          <Bi text={t.loansTitle} />
        </h2>
        <LoanList loans={view.loans} />
      </section>
      <section class="session-items">
        <h2>
          <Bi text={t.itemsTitle} />
        </h2>
        {view.items.length === 0 ? (
          <p class="muted">
            <Bi text={t.noItems} />
          </p>
        ) : (
          <ItemList items={view.items} />
        )}
      </section>
      <div class="actions">
        <button type="button" class="btn no-slip" data-testid="no-slip" aria-pressed={noSlip} disabled={noSlip} onClick={onNoSlip}>
          <Bi text={t.noSlip} />
        </button>
        <button type="button" class="btn finish" data-testid="finish" onClick={onFinish}>
          <Bi text={t.finish} />
        </button>
      </div>
    </div>
  );
}
