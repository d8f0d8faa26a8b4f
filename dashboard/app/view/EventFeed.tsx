import type { LibraryEvent } from '../../../core/protocol/messages.ts';
import { eventTypeText, formatTime, t } from '../i18n.ts';
import { Bi } from './Bi.tsx';

/** The latest events, newest first. Ids and barcodes only: names are not in events by design. */
export function EventFeed({ events }: { events: LibraryEvent[] }) {
  return (
    <section class="events">
      <h2>
        <Bi text={t.events} />
      </h2>
      {events.length === 0 ? (
        <p class="muted">
          <Bi text={t.noEvents} />
        </p>
      ) : (
        <ul class="feed">
          {events.map((e) => (
            <li key={`${e.type}:${e.id}`} data-testid="event-row" data-type={e.type} class={`event event-${e.type}`}>
              <time dateTime={e.at}>{formatTime(e.at)}</time>
              <span class="type">
                <Bi text={eventTypeText[e.type]} />
              </span>
              <code class="where">{'station' in e ? e.station : e.device}</code>
              <span class="what">
                <Detail event={e} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Detail({ event: e }: { event: LibraryEvent }) {
  switch (e.type) {
    case 'checkout':
    case 'checkin':
    case 'renew':
      return (
        <>
          {e.items.map((i) => (
            <code key={i.barcode}>{i.barcode}</code>
          ))}
          {e.patronId && <span class="muted">#{e.patronId}</span>}
          {e.offline && (
            <span class="badge">
              <Bi text={t.decidedOffline} />
            </span>
          )}
        </>
      );
    case 'visit':
      return <span class="muted">#{e.patronId}</span>;
    case 'counter':
      return <Bi text={t.counter(e.in, e.out)} />;
    case 'scan':
      return (
        <>
          <code>{e.source}</code>
          {!e.known && (
            <span class="badge">
              <Bi text={t.unknownCode} />
            </span>
          )}
        </>
      );
    case 'alert':
      return <Bi text={{ vi: e.message_vi, en: e.message_en }} />;
  }
}
