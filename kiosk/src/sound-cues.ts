/**
 * When the kiosk makes a sound, decided from two consecutive views alone (pure, tested without a
 * browser): a happy chirp when a book is added (a line turns "ok"), a low buzz when something is
 * refused or an error notice appears. An error wins when both happen in one update.
 */
import type { SessionView } from '../../core/protocol/kiosk-events.ts';

export type SoundCue = 'success' | 'error';

export function soundFor(before: SessionView, after: SessionView): SoundCue | null {
  const sameSession = before.sessionId !== null && before.sessionId === after.sessionId;
  // A line's state before this update; lines of another session count as new.
  const was = (barcode: string) => (sameSession ? before.items.find((i) => i.barcode === barcode)?.state : undefined);
  const newlyRefused = after.items.some((i) => i.state === 'refused' && was(i.barcode) !== 'refused');
  const n = after.notice;
  const b = before.notice;
  const newError = n !== null && n.level === 'error' && (b === null || b.code !== n.code || b.level !== 'error' || !sameSession);
  if (newlyRefused || newError) return 'error';
  const newlyOk = after.items.some((i) => i.state === 'ok' && was(i.barcode) !== 'ok');
  // A renewal is good news too: the pupil tapped, the loan moved.
  const renewed = n?.code === 'RENEWED' && (b?.code !== 'RENEWED' || before.loans !== after.loans);
  if ((newlyOk && after.screen !== 'finished') || renewed) return 'success';
  return null;
}
