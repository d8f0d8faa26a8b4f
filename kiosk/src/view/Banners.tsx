import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { reasonText, t } from '../i18n.ts';
import type { Connection } from '../store.ts';
import { Bi } from './Bi.tsx';
import { InfoIcon, WaitIcon, WarnIcon } from './icons.tsx';

export function Notice({ notice }: { notice: NonNullable<SessionView['notice']> }) {
  const error = notice.level === 'error';
  return (
    <div data-testid="notice" data-code={notice.code} data-level={notice.level} class={`banner notice-${notice.level}`} role={error ? 'alert' : 'status'}>
      {error ? <WarnIcon /> : <InfoIcon />}
      <Bi text={reasonText(notice)} />
    </div>
  );
}

/** Calm on purpose: a child should not think they broke something. */
export function Reconnecting({ connection }: { connection: Connection }) {
  return (
    <div data-testid="reconnecting" class="banner reconnecting" role="status">
      <WaitIcon />
      <Bi text={connection === 'connecting' ? t.connecting : t.reconnecting} />
    </div>
  );
}

export function OfflineNote() {
  return (
    <span data-testid="offline" class="offline-note">
      <Bi text={t.offline} />
    </span>
  );
}
