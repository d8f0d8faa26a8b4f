import { useLayoutEffect, useRef } from 'preact/hooks';
import type { KioskItemLine } from '../../../core/protocol/kiosk-events.ts';
import { formatDate, reasonText, t, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { StopIcon, TickIcon, WaitIcon } from './icons.tsx';

const icons = { ok: TickIcon, refused: StopIcon, pending: WaitIcon } as const;

interface Props {
  items: KioskItemLine[];
  /** What an accepted line says when it has no due date (a returned book: "Đã trả"). */
  okText?: Bilingual;
}

/** The books of this session, each with a tick and its due date, or the reason it stays. */
export function ItemList({ items, okText }: Props) {
  const list = useRef<HTMLUListElement>(null);
  const last = items[items.length - 1];
  // The book just scanned is the last line: on a small screen, scroll its list so the child sees it
  // (only the list's own box scrolls, never the page).
  useLayoutEffect(() => {
    const box = list.current?.closest<HTMLElement>('.session-items');
    if (box && box.scrollHeight > box.clientHeight) box.scrollTop = box.scrollHeight;
  }, [items.length, last?.barcode, last?.state]);
  return (
    <ul class="item-list" ref={list}>
      {items.map((item) => {
        const Icon = icons[item.state];
        return (
          <li key={item.barcode} data-testid="item-line" data-barcode={item.barcode} data-state={item.state} class={`item item-${item.state}`}>
            <Icon />
            <div class="item-body">
              <div data-testid="item-title" class="item-title">
                {item.title ?? item.barcode}
              </div>
              {item.state === 'ok' && item.dueDate && (
                <div data-testid="item-due" class="item-due">
                  <Bi text={t.due(formatDate(item.dueDate))} />
                </div>
              )}
              {item.state === 'ok' && !item.dueDate && okText && (
                <div class="item-due">
                  <Bi text={okText} />
                </div>
              )}
              {item.state === 'refused' && item.reason && (
                <div data-testid="item-reason" data-code={item.reason.code} class="item-reason">
                  <Bi text={reasonText(item.reason)} />
                </div>
              )}
              {item.state === 'pending' && <Bi text={t.checking} />}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
