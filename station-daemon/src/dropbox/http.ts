/**
 * The drop box's HTTP side: its status page and /api/dropbox, /api/health like every station, and
 * in sim mode the slot's simulator on loopback: POST /api/sim/rfid {"tags": [...]} drops those books
 * into the slot (each tag stays in the reader's field for simDwellMs, then falls into the bin), and
 * POST /api/sim/bin-full {"full": true|false} plays the bin's full sensor.
 */
import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import type { Logger } from 'pino';
import { closeHttp, listenHttp } from '#core/node/http-server.ts';
import { loopbackOnly } from '#core/node/loopback.ts';
import type { SimFeigReader, SimItem } from '#hardware/rfid/sim-reader.ts';
import type { DropBox } from './dropbox.ts';
import type { SimFullSensor } from './full-sensor.ts';
import { statusPage } from './page.ts';
import type { RecordedSignal } from './signal.ts';

export interface DropboxServerOptions {
  dropbox: DropBox;
  device: string;
  schoolName: string;
  health: () => { online: boolean; pending: number } & Record<string, unknown>;
  /** sim mode: the simulated reader at the slot, the simulated sensor, the recorded signals. */
  sim: { rfid: SimFeigReader | null; fullSensor: SimFullSensor | null; signals: RecordedSignal[] | null; dwellMs: number; afiOnLoan: number } | null;
  log: Logger;
}

const badTags = {
  code: 'BAD_TAGS',
  message_vi: 'Danh sách thẻ không hợp lệ.',
  message_en: 'Send {"tags": [...]} with up to 30 item ids (at most 16 characters), or {"itemId", "owner"} objects.',
};

/** A tag as the simulator takes it: an item id, or an item id with another owner ISIL (or none). */
function simItem(t: unknown): SimItem | null {
  if (typeof t === 'string') return t.length > 0 && t.length <= 16 ? { itemId: t } : null;
  if (!t || typeof t !== 'object') return null;
  const { itemId, owner } = t as { itemId?: unknown; owner?: unknown };
  if (typeof itemId !== 'string' || itemId.length === 0 || itemId.length > 16) return null;
  if (owner !== undefined && owner !== null && (typeof owner !== 'string' || !/^[A-Z]{2}-[A-Za-z0-9:/-]{1,11}$/.test(owner))) return null;
  return owner === undefined ? { itemId } : { itemId, owner: owner as string | null };
}

export class DropboxServer {
  readonly app = express();
  readonly http: HttpServer;
  /** Unused by the page (it polls), kept so closing works like the other servers. */
  private readonly io: IoServer;
  private readonly falling = new Set<NodeJS.Timeout>();

  constructor(private readonly o: DropboxServerOptions) {
    const app = this.app;
    app.disable('x-powered-by');
    app.use(express.json({ limit: '16kb' }));
    this.http = createServer(app);
    this.io = new IoServer(this.http, { serveClient: false });
    const page = statusPage({ device: o.device, schoolName: o.schoolName, sim: o.sim !== null });

    app.get('/', (_req, res) => {
      res.type('html').send(page);
    });
    app.get('/api/health', (_req, res) => res.json(o.health()));
    app.get('/api/dropbox', (_req, res) => {
      const h = o.health();
      const signals = o.sim?.signals ?? null;
      res.json({
        device: o.device,
        online: h.online,
        pending: h.pending,
        bin: o.dropbox.binState(),
        repeats: o.dropbox.repeats,
        drops: o.dropbox.store.latest(20).map((d) => ({ at: d.at, barcode: d.barcode, uids: d.uids, owner: d.owner, state: d.state, outcome: d.outcome, title: d.title, offline: d.offline, security: d.security })),
        lastSignal: signals?.at(-1) ?? null,
        ...(signals ? { signals: signals.slice(-20) } : {}),
      });
    });

    const sim = o.sim;
    if (sim?.rfid) {
      const rfid = sim.rfid;
      app.post('/api/sim/rfid', loopbackOnly, (req, res) => {
        const tags = (req.body as { tags?: unknown } | undefined)?.tags;
        const items = Array.isArray(tags) && tags.length <= 30 ? tags.map(simItem) : null;
        if (!items || items.some((i) => i === null)) {
          res.status(400).json({ error: badTags });
          return;
        }
        // Books fall through the slot: in the field for a moment, then gone (next to any still falling).
        // A book coming back was lent: its tag says "on loan" until the drop box writes it back.
        const uids = rfid.placeTags((items as SimItem[]).map((i) => ({ afi: sim.afiOnLoan, ...i })));
        const t = setTimeout(() => {
          this.falling.delete(t);
          for (const uid of uids) rfid.removeTag(uid);
        }, sim.dwellMs);
        this.falling.add(t);
        res.json({ device: 'rfid', tags: items.length, uids });
      });
    }
    if (sim?.fullSensor) {
      const sensor = sim.fullSensor;
      app.post('/api/sim/bin-full', loopbackOnly, (req, res) => {
        const full = (req.body as { full?: unknown } | undefined)?.full;
        if (typeof full !== 'boolean') {
          res.status(400).json({ error: { code: 'BAD_SENSOR', message_vi: 'Gửi {"full": true} hoặc {"full": false}.', message_en: 'Send {"full": true} or {"full": false}.' } });
          return;
        }
        sensor.set(full);
        res.json({ device: 'bin-full', full });
      });
    }
    app.use('/api', (_req, res) => {
      res.status(404).json({ error: { code: 'NOT_FOUND', message_vi: 'Không có địa chỉ này.', message_en: 'No such endpoint.' } });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return listenHttp(this.http, port, host);
  }

  close(): Promise<void> {
    for (const t of this.falling) clearTimeout(t);
    this.falling.clear();
    return closeHttp(this.io, this.http);
  }
}
