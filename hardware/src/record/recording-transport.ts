/** Wraps a HID transport: every report is recorded, then passed on unchanged. */
import { EventEmitter } from 'node:events';
import { isPresenceAware, type TransportHealth } from '../drivers/reader-health.ts';
import type { HidTransport } from '../interfaces.ts';
import type { RawRecorder } from './raw-recorder.ts';

export class RecordingTransport extends EventEmitter implements HidTransport {
  constructor(
    private readonly inner: HidTransport,
    private readonly recorder: RawRecorder,
  ) {
    super();
    inner.on('data', (report) => {
      recorder.write(report);
      this.emit('data', report);
    });
    inner.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    (inner as EventEmitter).on('connect', () => this.emit('connect'));
  }

  /** The wrapped transport's health (present when it cannot tell). */
  health(): TransportHealth {
    return isPresenceAware(this.inner) ? this.inner.health() : { present: true, connects: 1 };
  }

  async close(): Promise<void> {
    await this.inner.close();
    await this.recorder.close();
    this.removeAllListeners('data');
  }
}
