/**
 * The reading-room visitor counter, simulated: it does what firmware-config/esphome/visitor-counter.yaml
 * does on the ESP32, from the beams' GPIO edges to the MQTT packets. Raw beam edges go through the
 * same debounce filters (delayed_on, then delayed_off) and the same direction logic as the YAML's
 * `track_crossing` lambda; the counts are published on the same topics, with the same payloads,
 * QoS and retain flags, the birth message on connect and the last will on a power cut.
 * The contract test compares these builders with the YAML, so the two cannot drift apart unnoticed.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '#core/node/mqtt.ts';
import { topics } from '#core/protocol/topics.ts';
import type { CounterEvent, StatusPayload } from '#core/protocol/messages.ts';

export type Beam = 'a' | 'b';
export type Direction = 'in' | 'out';

/** One change of one beam's receiver: broken (true) or clear (false), at t ms. */
export interface BeamEdge {
  t: number;
  beam: Beam;
  broken: boolean;
}

/** The YAML's substitutions debounce_on / debounce_off, in ms. */
export const DEBOUNCE = { onMs: 20, offMs: 40 } as const;

/** QoS and retain of each publication, as in the YAML. */
export const COUNTER_PUBLISH = {
  reading: { qos: 1, retain: false },
  status: { qos: 1, retain: true },
} as const;

type Level = { t: number; broken: boolean };

/** ESPHome's delayed_on (rising edges wait `ms`, a shorter pulse vanishes; falls pass at once). */
function delayed(edges: Level[], ms: number, delayRising: boolean): Level[] {
  const out: Level[] = [];
  let pendingSince: number | null = null;
  let level = false;
  const emit = (l: Level) => {
    if (l.broken !== level) {
      out.push(l);
      level = l.broken;
    }
  };
  for (const e of edges) {
    const delayedEdge = e.broken === delayRising;
    if (delayedEdge) {
      if (pendingSince === null) pendingSince = e.t;
      continue;
    }
    if (pendingSince !== null && e.t - pendingSince >= ms) emit({ t: pendingSince + ms, broken: delayRising });
    pendingSince = null;
    emit({ t: e.t, broken: e.broken });
  }
  if (pendingSince !== null) emit({ t: pendingSince + ms, broken: delayRising });
  return out;
}

/**
 * One beam's raw edges (time order, starting clear) through delayed_on then delayed_off: what the
 * binary_sensor reports. A flicker shorter than the filter never reaches the direction logic.
 */
export function debounceBeam(edges: Level[], onMs: number = DEBOUNCE.onMs, offMs: number = DEBOUNCE.offMs): Level[] {
  // delayed_off after delayed_on: falls wait offMs, rises pass at once (they already waited onMs).
  return delayed(delayed(edges, onMs, true), offMs, false);
}

/** The YAML's track_crossing lambda: direction from which beam broke first and which cleared last. */
export class CrossingTracker {
  in = 0;
  out = 0;
  private firstBeam = 0;
  private lastAlone = 0;
  private bothBroken = false;

  /** Called with both beams' (debounced) states after each change; returns the passage it completed, if any. */
  update(a: boolean, b: boolean): Direction | null {
    if (a && b) {
      this.bothBroken = true;
      return null;
    }
    if (a || b) {
      const alone = a ? 1 : 2;
      if (this.firstBeam === 0) this.firstBeam = alone;
      this.lastAlone = alone;
      return null;
    }
    let done: Direction | null = null;
    if (this.bothBroken && this.firstBeam !== 0 && this.lastAlone !== this.firstBeam) {
      done = this.firstBeam === 1 ? 'in' : 'out';
      if (done === 'in') this.in += 1;
      else this.out += 1;
    }
    this.firstBeam = 0;
    this.lastAlone = 0;
    this.bothBroken = false;
    return done;
  }
}

/**
 * Raw edges of one passage through the door, starting at t0 ms. `bodyMs` is how long a body stays in
 * one beam; `gapMs` the delay between reaching beam A and beam B (beams 10-15 cm apart, walking pace).
 * Two children abreast make the same pattern as one, which is why counters drift.
 */
export function passageEdges(direction: Direction, opts: { t0?: number; bodyMs?: number; gapMs?: number; turnBack?: boolean } = {}): BeamEdge[] {
  const { t0 = 0, bodyMs = 320, gapMs = 90, turnBack = false } = opts;
  const [first, second]: [Beam, Beam] = direction === 'in' ? ['a', 'b'] : ['b', 'a'];
  if (turnBack) {
    // Steps into the door far enough to break both beams, then goes back the way they came.
    return [
      { t: t0, beam: first, broken: true },
      { t: t0 + gapMs, beam: second, broken: true },
      { t: t0 + gapMs + 150, beam: second, broken: false },
      { t: t0 + gapMs + 300, beam: first, broken: false },
    ];
  }
  return [
    { t: t0, beam: first, broken: true },
    { t: t0 + gapMs, beam: second, broken: true },
    { t: t0 + bodyMs, beam: first, broken: false },
    { t: t0 + bodyMs + gapMs, beam: second, broken: false },
  ];
}

/** The YAML's strftime("%Y-%m-%dT%H:%M:%SZ") on utcnow(): whole seconds, UTC. */
export function firmwareTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The payload of publish_counts, key for key. */
export function counterReading(o: { device: string; boot: string; seq: number; in: number; out: number; at: Date }): CounterEvent {
  return {
    id: `${o.device}-${o.boot}-${o.seq}`,
    at: firmwareTime(o.at),
    device: o.device,
    type: 'counter',
    in: o.in,
    out: o.out,
    boot: o.boot,
    seq: o.seq,
  };
}

/** The birth ("online"), will and shutdown ("offline") payloads: fixed strings on the ESP32, so no time and no health. */
export function lifecycleStatus(device: string, version: string, state: 'online' | 'offline'): StatusPayload {
  return { state, device, role: 'counter', version, devices: {} };
}

/** The payload of publish_status: the beams' and the clock's health. */
export function healthStatus(device: string, version: string, h: { beamsOk: boolean; clockOk: boolean }): StatusPayload {
  return {
    state: 'online',
    device,
    role: 'counter',
    version,
    devices: { beams: { driver: 'gpio-ir-break-beam', ok: h.beamsOk }, clock: { driver: 'sntp', ok: h.clockOk } },
  };
}

export interface VisitorCounterSimOptions {
  /** The school broker, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  school: string;
  /** Device id, also the MQTT username. */
  device: string;
  password: string;
  /** The firmware version in status payloads; default "0.1.0". */
  version?: string;
  /** The counter's SNTP clock; default the system clock. */
  clock?: () => Date;
  /** The YAML's 1 s interval between a change and its reading; default 1000 ms. */
  publishIntervalMs?: number;
  /** The YAML's 60 s health interval; default 60000 ms. */
  statusIntervalMs?: number;
}

/** A counter on the broker: connect, feed it beam edges (or whole passages), reboot it, stop it. */
export class VisitorCounterSim {
  boot = newBootId();
  private seq = 0;
  private sent = { in: 0, out: 0 };
  private tracker = new CrossingTracker();
  private client: MqttClient | null = null;
  private timers: NodeJS.Timeout[] = [];
  private publishing: Promise<void> = Promise.resolve();
  private readonly version: string;
  private readonly clock: () => Date;

  constructor(private readonly o: VisitorCounterSimOptions) {
    this.version = o.version ?? '0.1.0';
    this.clock = o.clock ?? (() => new Date());
  }

  /** Counts since this boot. */
  get counts(): { in: number; out: number; seq: number } {
    return { in: this.tracker.in, out: this.tracker.out, seq: this.seq };
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Powers on: connects with the last will, publishes the birth, health and a first reading; resolves once connected. */
  async start(): Promise<void> {
    const { school, device } = this.o;
    const statusTopic = topics.status(school, device);
    const client = connectMqtt(this.o.url, {
      clientId: device,
      username: device,
      password: this.o.password,
      clean: true,
      keepalive: 15,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify(lifecycleStatus(device, this.version, 'offline'))), ...COUNTER_PUBLISH.status },
    });
    this.client = client;
    client.on('error', () => undefined); // a refused login or a broker restart: reconnects by itself, as ESPHome does
    client.on('connect', () => {
      // Birth first (ESPHome sends it on connect), then mqtt.on_connect: publish_status, publish_counts.
      client.publish(statusTopic, JSON.stringify(lifecycleStatus(device, this.version, 'online')), COUNTER_PUBLISH.status);
      this.publishStatus();
      void this.flush();
    });
    this.timers.push(
      setInterval(() => {
        if (this.tracker.in !== this.sent.in || this.tracker.out !== this.sent.out || this.seq === 0) void this.flush();
      }, this.o.publishIntervalMs ?? 1000),
      setInterval(() => this.publishStatus(), this.o.statusIntervalMs ?? 60000),
    );
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`counter ${device} could not log in to ${this.o.url} within 10 s`)), 10000);
      client.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Raw edges of both beams (time order; both clear before and after), through the debounce filters into the tracker. */
  feed(edges: BeamEdge[]): Direction[] {
    const per = (beam: Beam) => debounceBeam(edges.filter((e) => e.beam === beam).map(({ t, broken }) => ({ t, broken }))).map((l) => ({ ...l, beam }));
    const merged = [...per('a'), ...per('b')].sort((x, y) => x.t - y.t);
    const state = { a: false, b: false };
    const done: Direction[] = [];
    for (const e of merged) {
      state[e.beam] = e.broken;
      const d = this.tracker.update(state.a, state.b);
      if (d) done.push(d);
    }
    return done;
  }

  /** Someone (or two children abreast: the same beam pattern) walks through the door. */
  passage(direction: Direction, opts: { turnBack?: boolean } = {}): Direction[] {
    return this.feed(passageEdges(direction, opts));
  }

  /** publish_counts: one reading now, if connected (the clock is always valid here). */
  flush(): Promise<void> {
    this.publishing = this.publishing.then(async () => {
      const client = this.client;
      if (!client?.connected) return;
      const reading = counterReading({ device: this.o.device, boot: this.boot, seq: this.seq, in: this.tracker.in, out: this.tracker.out, at: this.clock() });
      try {
        await client.publishAsync(topics.event(this.o.school, this.o.device, 'counter'), JSON.stringify(reading), COUNTER_PUBLISH.reading);
      } catch {
        return; // not delivered: the counts are sent again at the next tick
      }
      this.sent = { in: reading.in, out: reading.out };
      this.seq += 1;
    });
    return this.publishing;
  }

  private publishStatus(): void {
    const client = this.client;
    if (!client?.connected) return;
    client.publish(topics.status(this.o.school, this.o.device), JSON.stringify(healthStatus(this.o.device, this.version, { beamsOk: true, clockOk: true })), COUNTER_PUBLISH.status);
  }

  /** Power cut and power back: the broker publishes the will; the counter comes back with a new boot id and counts at 0. */
  async reboot(): Promise<void> {
    await this.halt(true);
    this.boot = newBootId();
    this.seq = 0;
    this.sent = { in: 0, out: 0 };
    this.tracker = new CrossingTracker();
    await this.start();
  }

  /** A clean shutdown (as before an OTA update): the shutdown message, then disconnect. */
  async stop(): Promise<void> {
    await this.halt(false);
  }

  private async halt(powerCut: boolean): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const client = this.client;
    this.client = null;
    if (!client) return;
    await this.publishing.catch(() => undefined);
    if (!powerCut && client.connected) {
      const payload = JSON.stringify(lifecycleStatus(this.o.device, this.version, 'offline'));
      await client.publishAsync(topics.status(this.o.school, this.o.device), payload, COUNTER_PUBLISH.status).catch(() => undefined);
    }
    // Forced: the socket is dropped without DISCONNECT, so the broker sends the will.
    await client.endAsync(powerCut);
  }
}

/** str_sprintf("%08x", random_uint32()). */
export function newBootId(): string {
  return randomBytes(4).toString('hex');
}
