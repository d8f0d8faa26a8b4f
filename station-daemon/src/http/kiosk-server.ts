/**
 * Serves the kiosk build and its socket.io, and in sim mode the device simulators' loopback inputs:
 * POST /api/sim/card {"code"} and POST /api/sim/scanner {"code"}, which type the code as HID reports
 * into the simulated device, so it reaches the session through the real decoder.
 */
import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { Server as IoServer } from 'socket.io';
import { closeHttp, listenHttp } from '#core/node/http-server.ts';
import type { Logger } from 'pino';
import type { KioskClientToServer, KioskServerToClient, LibraryDay, StationMeta } from '#core/protocol/kiosk-events.ts';
import type { CodeReaderSim } from '#hardware/sim/code-reader-sim.ts';
import type { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import { loopbackOnly } from '#core/node/loopback.ts';
import type { KioskSession } from '../session/machine.ts';

export interface KioskServerOptions {
  session: KioskSession;
  meta: StationMeta;
  staticDir: string;
  /** Simulated devices by name; present only in sim mode. */
  sim: Record<string, CodeReaderSim> | null;
  /** The simulated RFID reader; sim mode with a simulated pad only. */
  rfidSim?: SimFeigReader | null;
  health: () => unknown;
  /** Today at the library from the school calendar, for the idle screen; null when unknown. */
  today?: () => LibraryDay | null;
  /** How often to look whether `today` changed (opening, closing, midnight); default 30000 ms. */
  todayCheckMs?: number;
  log: Logger;
}

export class KioskServer {
  readonly app = express();
  readonly http: HttpServer;
  readonly io: IoServer<KioskClientToServer, KioskServerToClient>;
  private todayTimer: NodeJS.Timeout | null = null;
  private lastToday = '';

  constructor(private readonly o: KioskServerOptions) {
    const app = this.app;
    app.disable('x-powered-by');
    app.use(express.json({ limit: '16kb' }));
    this.http = createServer(app);
    this.io = new IoServer(this.http, { serveClient: false });

    app.get('/api/health', (_req, res) => res.json(o.health()));
    if (o.rfidSim) {
      const rfid = o.rfidSim;
      // Registered before /api/sim/:device. Puts ISO 28560-3 tags carrying these item ids on the
      // simulated pad, replacing what was there ({"tags": []} empties it).
      app.post('/api/sim/rfid', loopbackOnly, (req, res) => {
        const tags = (req.body as { tags?: unknown } | undefined)?.tags;
        if (!Array.isArray(tags) || tags.length > 30 || !tags.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 16)) {
          res.status(400).json({ error: { code: 'BAD_TAGS', message_vi: 'Danh sách thẻ không hợp lệ.', message_en: 'Send {"tags": ["item id", ...]} with up to 30 ids of at most 16 characters.' } });
          return;
        }
        const uids = rfid.setTags(tags.map((itemId: string) => ({ itemId })));
        res.json({ device: 'rfid', tags: tags.length, uids });
      });
    }
    if (o.sim) {
      const sim = o.sim;
      app.post('/api/sim/:device', loopbackOnly, async (req, res) => {
        const name = String(req.params.device);
        const device = Object.hasOwn(sim, name) ? sim[name] : undefined;
        const code = (req.body as { code?: unknown } | undefined)?.code;
        if (!device) {
          res.status(404).json({ error: { code: 'NO_SUCH_DEVICE', message_vi: 'Không có thiết bị này.', message_en: `No simulated device "${name}".` } });
          return;
        }
        if (typeof code !== 'string' || code.length === 0 || code.length > 64) {
          res.status(400).json({ error: { code: 'BAD_CODE', message_vi: 'Mã không hợp lệ.', message_en: 'Send {"code": "..."} with 1 to 64 characters.' } });
          return;
        }
        try {
          const reports = await device.type(code);
          res.json({ device: name, code, reports: reports.length, bytes: reports.reduce((n: number, r: Buffer) => n + r.length, 0) });
        } catch (err) {
          res.status(400).json({ error: { code: 'CANNOT_TYPE', message_vi: 'Thiết bị không gõ được mã này.', message_en: (err as Error).message } });
        }
      });
    }
    if (existsSync(o.staticDir)) app.use(express.static(o.staticDir, { index: 'index.html' }));
    else o.log.warn({ dir: o.staticDir }, 'kiosk build missing: run npm run build');

    this.io.on('connection', (socket) => {
      socket.emit('meta', o.meta);
      socket.emit('session', o.session.view);
      const day = this.today();
      if (day) socket.emit('today', day);
      socket.on('finish', () => void o.session.finish());
      socket.on('noSlip', () => o.session.noSlip());
      socket.on('startReturn', () => void o.session.startReturn());
      socket.on('renew', (barcode) => {
        if (typeof barcode === 'string' && barcode.length <= 64) void o.session.renew(barcode);
      });
      socket.on('forClass', (on) => o.session.setForClass(on === true));
      socket.on('stillHere', () => o.session.stillHere());
      socket.on('pin', (digits) => {
        if (typeof digits === 'string') void o.session.pin(digits);
      });
      socket.on('cancel', () => void o.session.cancel());
    });
    o.session.on('view', (v) => this.io.emit('session', v));
    if (o.today) {
      this.lastToday = JSON.stringify(this.today());
      this.todayTimer = setInterval(() => {
        const day = this.today();
        const json = JSON.stringify(day);
        if (day && json !== this.lastToday) this.io.emit('today', day);
        this.lastToday = json;
      }, o.todayCheckMs ?? 30000);
      this.todayTimer.unref();
    }
  }

  /** The calendar's answer, or null: a broken calendar must not stop the kiosk from serving. */
  private today(): LibraryDay | null {
    try {
      return this.o.today?.() ?? null;
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'calendar unreadable: no opening hours on the idle screen');
      return null;
    }
  }

  listen(port: number, host: string): Promise<number> {
    return listenHttp(this.http, port, host);
  }

  close(): Promise<void> {
    if (this.todayTimer) clearInterval(this.todayTimer);
    return closeHttp(this.io, this.http);
  }
}
