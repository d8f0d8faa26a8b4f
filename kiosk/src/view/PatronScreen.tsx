import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t } from '../i18n.ts';
import { Bi, BiNodes } from './Bi.tsx';
import { ClassSetIcon } from './icons.tsx';
import { ItemList } from './ItemList.tsx';
import { LoanList } from './LoanList.tsx';

interface Props {
  view: SessionView;
  noSlip: boolean;
  renewRequested: readonly string[];
  onFinish(): void;
  onNoSlip(): void;
  onRenew(barcode: string): void;
  onForClass(on: boolean): void;
}

export function PatronScreen({ view, noSlip, renewRequested, onFinish, onNoSlip, onRenew, onForClass }: Props) {
  const patron = view.patron;
  const remaining = patron?.kind === 'pupil' ? t.remainingPupil : t.remainingStaff;
  const homeroom = patron?.homeroomClass ?? null;
  const forClass = view.forClass;
  return (
    <div class={forClass ? 'patron for-class-on' : 'patron'}>
      <section class="who">
        {patron && (
          <h1 class="hello">
            <BiNodes
              vi={
                <>
                  Xin chào, <span data-testid="patron-name">{patron.fullName}</span>
                </>
              }
              en={<>Hello, {patron.fullName}</>}
            />
          </h1>
        )}
        <div class="facts">
          {patron?.className && (
            <span class="class-name">
              <Bi text={t.className(patron.className)} />
            </span>
          )}
          {homeroom && (
            <span class="class-name">
              <Bi text={t.homeroom(homeroom)} />
            </span>
          )}
          <span data-testid="remaining" class="remaining">
            <Bi text={remaining(view.remaining)} />
          </span>
        </div>
        <h2>
          <Bi text={t.loansTitle} />
        </h2>
        <LoanList loans={view.loans} renewRequested={renewRequested} onRenew={onRenew} />
      </section>
      <section class="session-items">
        {forClass ? (
          // Scans now lend to the class, not to the teacher: say so where the scans appear.
          <p data-testid="for-class-banner" class="for-class-banner" role="status">
            <ClassSetIcon />
            <Bi text={t.forClassOn(forClass)} />
          </p>
        ) : (
          <h2>
            <Bi text={t.itemsTitle} />
          </h2>
        )}
        {view.items.length === 0 ? (
          <p class="muted">
            <Bi text={t.noItems} />
          </p>
        ) : (
          <ItemList items={view.items} />
        )}
      </section>
      <div class="actions">
        {homeroom && (
          <button
            type="button"
            class="btn for-class"
            data-testid="for-class"
            aria-pressed={forClass !== null}
            onClick={() => onForClass(forClass === null)}
          >
            <ClassSetIcon />
            <Bi text={t.forClass(homeroom)} />
          </button>
        )}
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
