/**
 * The ESPHome visitor counter's contract with the rest of OpenShelf, read from the YAML itself
 * (ESPHome cannot be installed here): its topics are in our tree and allowed for its login by the
 * access table; every payload (static birth/will, and the C++ JSON lambdas, evaluated by a small
 * interpreter of the expression forms the YAML header allows) validates against core's zod schemas
 * and is exactly what the simulator publishes; secrets stay behind !secret; nothing reboots the
 * counter for lack of a client or a network; the direction lambda, run as written, counts as the
 * simulator does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseDocument, type ScalarTag } from 'yaml';
import { counterEvent, eventSchema, statusSchema } from '#core/protocol/messages.ts';
import { isSegment, parseTopic, topics } from '#core/protocol/topics.ts';
import { mayPublish, mosquittoAcl, rulesFor } from '#core/access.ts';
import { loadConfig } from '#core/node/load-config.ts';
import { brokerAccounts } from '#server/broker/accounts.ts';
import { COUNTER_PUBLISH, CrossingTracker, DEBOUNCE, counterReading, healthStatus, lifecycleStatus, passageEdges } from '#hardware/sim/visitor-counter.ts';

const DIR = fileURLToPath(new URL('../../firmware-config/esphome/', import.meta.url));
const YAML_TEXT = readFileSync(`${DIR}visitor-counter.yaml`, 'utf8');
const SECRETS_TEXT = readFileSync(`${DIR}secrets.example.yaml`, 'utf8');
const MOSQUITTO_CONF = readFileSync(fileURLToPath(new URL('../../firmware-config/mosquitto/mosquitto.conf', import.meta.url)), 'utf8');

interface Listener {
  port: number;
  /** The address it is bound to; undefined = every interface. */
  bind: string | undefined;
  settings: Map<string, string>;
}

/** The listeners of a mosquitto.conf (comment lines ignored), each with the settings that follow it. */
function mosquittoListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'listener') out.push({ port: Number(rest[0]), bind: rest[1], settings: new Map() });
    else out.at(-1)?.settings.set(key!, rest.join(' '));
  }
  return out;
}

// ---- reading ESPHome YAML ----------------------------------------------------------------------

class Secret {
  constructor(readonly name: string) {}
}
class Lambda {
  constructor(readonly code: string) {}
}
const customTags: ScalarTag[] = [
  { tag: '!secret', resolve: (s: string) => new Secret(s) } as ScalarTag,
  { tag: '!lambda', resolve: (s: string) => new Lambda(s) } as ScalarTag,
];

type Node = unknown;
type Obj = Record<string, Node>;

/** Parses an ESPHome file (tags kept as Secret/Lambda) and expands its substitutions (${x} and $x). */
function readEsphome(text: string): { config: Obj; subs: Record<string, string> } {
  const doc = parseDocument(text, { customTags });
  assert.equal(doc.errors.length, 0, doc.errors.map((e) => e.message).join('\n'));
  const raw = doc.toJS() as Obj;
  const subs: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw.substitutions ?? {}) as Obj)) subs[k] = String(v);
  // Substitutions may use each other (topic_root uses school_id and device_id).
  for (let pass = 0; pass < 5; pass++) for (const k of Object.keys(subs)) subs[k] = expand(subs[k]!, subs);
  const walk = (n: Node): Node => {
    if (typeof n === 'string') return expand(n, subs);
    if (n instanceof Lambda) return new Lambda(expand(n.code, subs));
    if (n instanceof Secret) return n;
    if (Array.isArray(n)) return n.map(walk);
    if (n && typeof n === 'object') return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, walk(v)]));
    return n;
  };
  const { substitutions: _s, ...rest } = raw;
  return { config: walk(rest) as Obj, subs };
}

function expand(s: string, subs: Record<string, string>): string {
  return s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => subs[(a ?? b)!] ?? m);
}

/** Every object anywhere in the tree that has `key`, with the value under it. */
function findAll(n: Node, key: string, out: Node[] = []): Node[] {
  if (Array.isArray(n)) n.forEach((x) => findAll(x, key, out));
  else if (n && typeof n === 'object' && !(n instanceof Secret) && !(n instanceof Lambda)) {
    for (const [k, v] of Object.entries(n)) {
      if (k === key) out.push(v);
      findAll(v, key, out);
    }
  }
  return out;
}

function collect<T>(n: Node, pred: (x: Node) => x is T, out: T[] = []): T[] {
  if (pred(n)) out.push(n);
  if (Array.isArray(n)) n.forEach((x) => collect(x, pred, out));
  else if (n && typeof n === 'object' && !(n instanceof Secret) && !(n instanceof Lambda)) Object.values(n).forEach((x) => collect(x, pred, out));
  return out;
}

// ---- a tiny interpreter for the C++ the YAML's lambdas may use ----------------------------------

/** The firmware's state as the lambdas see it. */
interface Firmware {
  globals: Record<string, string | number | boolean>;
  globalTypes: Record<string, string>;
  binarySensors: Record<string, boolean>;
  clocks: Record<string, Date>;
  /** What random_uint32() returns. */
  random: number;
}

type Val = string | number | boolean | { clock: string } | { time: Date } | { sensor: string };

function tokenize(src: string): string[] {
  const re = /\s*("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|0x[0-9a-fA-F]+|\d+|\+=|[().,!=;[\]])/y;
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot read C++ at: ${src.slice(i, i + 30)}`);
    out.push(m[1]!);
    i = re.lastIndex;
  }
  return out;
}

function evalExpr(tokens: string[], fw: Firmware): Val {
  let p = 0;
  const next = () => {
    const t = tokens[p++];
    if (t === undefined) throw new Error('unexpected end of expression');
    return t;
  };
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new Error(`expected ${t}, got ${got}`);
  };
  const args = (): Val[] => {
    expect('(');
    const out: Val[] = [];
    if (tokens[p] === ')') return p++, out;
    for (;;) {
      out.push(expr());
      const t = next();
      if (t === ')') return out;
      if (t !== ',') throw new Error(`expected , or ) in arguments, got ${t}`);
    }
  };
  const primary = (): Val => {
    const t = next();
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (/^\d+$/.test(t)) return Number(t);
    if (/^0x/.test(t)) return Number.parseInt(t, 16);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'id') {
      const [name] = [(expect('('), next())];
      expect(')');
      if (name! in fw.globals) return fw.globals[name!]!;
      if (name! in fw.binarySensors) return { sensor: name! };
      if (name! in fw.clocks) return { clock: name! };
      throw new Error(`id(${name}) is not declared in the YAML`);
    }
    if (t === 'str_sprintf') {
      const [fmt, ...rest] = args();
      if (typeof fmt !== 'string') throw new Error('str_sprintf needs a format string');
      return sprintf(fmt, rest);
    }
    if (t === 'random_uint32') return args(), fw.random;
    throw new Error(`unsupported C++ in a payload: ${t}`);
  };
  const postfix = (v: Val): Val => {
    while (tokens[p] === '.') {
      p++;
      const member = next();
      const call = tokens[p] === '(' ? args() : null;
      if (member === 'c_str' && call && typeof v === 'string') continue;
      else if (member === 'state' && !call && typeof v === 'object' && 'sensor' in v) v = fw.binarySensors[v.sensor]!;
      else if ((member === 'now' || member === 'utcnow') && call && typeof v === 'object' && 'clock' in v) v = { time: fw.clocks[v.clock]! };
      else if (member === 'is_valid' && call && typeof v === 'object' && 'time' in v) v = true;
      else if (member === 'strftime' && call && typeof v === 'object' && 'time' in v && typeof call[0] === 'string') v = strftimeUtc(v.time, call[0]);
      else throw new Error(`unsupported member .${member} on ${JSON.stringify(v)}`);
    }
    return v;
  };
  const expr = (): Val => {
    if (tokens[p] === '!') {
      p++;
      const v = expr();
      if (typeof v !== 'boolean') throw new Error('! on a non-boolean');
      return !v;
    }
    if (tokens[p] === '(' && tokens[p + 1] === 'unsigned' && tokens[p + 2] === ')') {
      p += 3;
      const v = expr();
      if (typeof v !== 'number') throw new Error('(unsigned) on a non-number');
      return v >>> 0;
    }
    return postfix(primary());
  };
  const v = expr();
  if (p !== tokens.length) throw new Error(`unexpected ${tokens[p]} after the expression`);
  return v;
}

function sprintf(fmt: string, args: Val[]): string {
  let i = 0;
  return fmt.replace(/%(0?\d*)([sudx%])/g, (_m, width: string, conv: string) => {
    if (conv === '%') return '%';
    const a = args[i++];
    if (a === undefined) throw new Error(`too few arguments for "${fmt}"`);
    if (conv === 's') {
      if (typeof a !== 'string') throw new Error('%s needs a string (c_str())');
      return a;
    }
    if (typeof a !== 'number') throw new Error(`%${conv} needs a number`);
    const s = conv === 'x' ? (a >>> 0).toString(16) : String(conv === 'u' ? a >>> 0 : a);
    return width ? s.padStart(Number(width), width.startsWith('0') ? '0' : ' ') : s;
  });
}

function strftimeUtc(d: Date, fmt: string): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const map: Record<string, string> = {
    Y: String(d.getUTCFullYear()),
    m: two(d.getUTCMonth() + 1),
    d: two(d.getUTCDate()),
    H: two(d.getUTCHours()),
    M: two(d.getUTCMinutes()),
    S: two(d.getUTCSeconds()),
  };
  return fmt.replace(/%([YmdHMS])/g, (_m, c: string) => map[c]!);
}

/** Statement lines of a lambda, comments and blank lines dropped. */
function statements(code: string): string[] {
  return code
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter((l) => l !== '');
}

/** Runs a lambda made only of `id(x) = expr;` and `id(x) += expr;` statements. */
function runAssignments(code: string, fw: Firmware): void {
  for (const line of statements(code)) {
    const m = /^id\((\w+)\)\s*(=|\+=)\s*(.+);$/.exec(line);
    if (!m) throw new Error(`not an id(x) assignment: ${line}`);
    const [, name, op, rhs] = m;
    if (!(name! in fw.globals)) throw new Error(`id(${name}) is not a global`);
    const v = evalExpr(tokenize(rhs!), fw);
    if (op === '+=') fw.globals[name!] = (fw.globals[name!] as number) + (v as number);
    else fw.globals[name!] = v as string | number | boolean;
  }
}

/** Evaluates a publish_json lambda: only `root["k"]...["k"] = expr;` lines. */
function evalJsonLambda(code: string, fw: Firmware): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const line of statements(code)) {
    const m = /^root((?:\["[^"]+"\])+)\s*=\s*(.+);$/.exec(line);
    if (!m) throw new Error(`the contract test cannot read this payload line: ${line}`);
    const keys = [...m[1]!.matchAll(/\["([^"]+)"\]/g)].map((k) => k[1]!);
    let o = root;
    for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    const v = evalExpr(tokenize(m[2]!), fw);
    if (typeof v === 'object') throw new Error(`${line}: a handle, not a value`);
    o[keys.at(-1)!] = v;
  }
  return JSON.parse(JSON.stringify(root)) as Record<string, unknown>;
}

// ---- the firmware as declared -------------------------------------------------------------------

const { config, subs } = readEsphome(YAML_TEXT);
const DEVICE = subs.device_id!;
const SCHOOL = subs.school_id!;
const VERSION = subs.firmware_version!;
const mqtt = config.mqtt as Obj;

interface Publish {
  topic: string;
  payload: string | Lambda | null;
  json: string | null;
  qos: number;
  retain: boolean;
}
const isPublishHolder = (x: Node): x is Obj => !!x && typeof x === 'object' && ('mqtt.publish' in x || 'mqtt.publish_json' in x);
const publishes: Publish[] = collect(config, isPublishHolder).map((h) => {
  const json = 'mqtt.publish_json' in h;
  const p = (h['mqtt.publish_json'] ?? h['mqtt.publish']) as Obj;
  return {
    topic: p.topic as string,
    payload: json ? null : (p.payload as string | Lambda),
    json: json ? (p.payload as string) : null,
    qos: (p.qos as number | undefined) ?? 0,
    retain: (p.retain as boolean | undefined) ?? false,
  };
});
const lifecycle = (['birth_message', 'will_message', 'shutdown_message'] as const).map((k) => ({ key: k, ...(mqtt[k] as { topic: string; payload: string; qos?: number; retain?: boolean }) }));
const scripts = (config.script as Obj[]).map((s) => s as { id: string; then: Node });
const scriptNamed = (id: string) => scripts.find((s) => s.id === id)!;

/** Globals at their initial values, after on_boot ran; beams clear, clock valid. */
function bootedFirmware(at = new Date('2026-12-01T02:15:07.000Z')): Firmware {
  const globals: Firmware['globals'] = {};
  const globalTypes: Firmware['globalTypes'] = {};
  for (const g of config.globals as { id: string; type: string; initial_value: string }[]) {
    globalTypes[g.id] = g.type;
    globals[g.id] = g.type === 'std::string' ? (JSON.parse(g.initial_value) as string) : g.type === 'bool' ? g.initial_value === 'true' : Number(g.initial_value);
  }
  const binarySensors = Object.fromEntries((config.binary_sensor as { id: string }[]).map((b) => [b.id, false]));
  const clocks = Object.fromEntries((config.time as { id: string }[]).map((t) => [t.id, at]));
  const fw: Firmware = { globals, globalTypes, binarySensors, clocks, random: 0x9f3c2a7e };
  const onBoot = (config.esphome as { on_boot: { then: { lambda: string }[] } }).on_boot.then;
  for (const step of onBoot) runAssignments(step.lambda, fw);
  return fw;
}

const countsPublish = () => publishes.find((p) => p.topic.endsWith('/event/counter'))!;
const statusPublish = () => publishes.find((p) => p.topic.endsWith('/status'))!;

describe('ESPHome visitor counter: contract with core/', () => {
  describe('file and blocks', () => {
    it('comments every top-level block', () => {
      const lines = YAML_TEXT.split('\n');
      const blocks = lines.map((l, i) => [l, i] as const).filter(([l]) => /^[a-z_0-9]+:/.test(l));
      assert.ok(blocks.length >= 10, `found ${blocks.length} blocks`);
      for (const [l, i] of blocks) assert.match(lines[i - 1] ?? '', /^#/, `no comment above "${l}"`);
    });

    it('is an ESPHome project with its name from the substitutions', () => {
      const esphome = config.esphome as { name: string; project: { name: string; version: string } };
      assert.equal(esphome.name, DEVICE);
      assert.match(esphome.project.name, /^[a-z0-9_-]+\.[a-z0-9_-]+$/, 'project name is author.project');
      assert.equal(esphome.project.version, VERSION);
      assert.ok(isSegment(DEVICE) && isSegment(SCHOOL));
    });

    it('keeps every credential behind !secret, each one in secrets.example.yaml', () => {
      const used = collect(config, (x): x is Secret => x instanceof Secret).map((s) => s.name);
      assert.deepEqual(new Set(used), new Set(['wifi_ssid', 'wifi_password', 'ota_password', 'mqtt_broker', 'mqtt_password', 'mqtt_ca']));
      const example = Object.keys(parseDocument(SECRETS_TEXT).toJS() as Obj);
      assert.deepEqual(new Set(example), new Set(used));
      assert.ok(mqtt.password instanceof Secret);
      assert.ok((config.wifi as Obj).password instanceof Secret);
      for (const o of config.ota as Obj[]) assert.ok(o.password instanceof Secret);
    });

    it('never reboots for lack of a client, a network or a broker', () => {
      const api = config.api as Obj | undefined;
      if (api !== undefined) assert.equal(api?.reboot_timeout, '0s', 'api: without a client reboots every 15 min');
      assert.equal((config.wifi as Obj).reboot_timeout, '0s');
      assert.equal(mqtt.reboot_timeout, '0s');
    });

    it('publishes nothing ESPHome would add by itself: no discovery, no log topic, internal entities', () => {
      assert.equal(mqtt.discovery, false);
      assert.equal(mqtt.log_topic, null);
      assert.equal(mqtt.topic_prefix, `library/v1/${SCHOOL}/${DEVICE}`);
      for (const b of config.binary_sensor as Obj[]) assert.equal(b.internal, true, `${String(b.id)} must be internal`);
      for (const k of ['on_message', 'on_json_message']) assert.equal(findAll(mqtt, k).length, 0, `mqtt.${k} would subscribe`);
      assert.equal(JSON.stringify(config).includes('mqtt_subscribe'), false, 'no mqtt_subscribe sensors');
    });

    it('debounces both beams with the filters the simulator uses', () => {
      for (const b of (config.binary_sensor as Obj[]).filter((x) => x.platform === 'gpio')) {
        assert.deepEqual(b.filters, [{ delayed_on: `${DEBOUNCE.onMs}ms` }, { delayed_off: `${DEBOUNCE.offMs}ms` }]);
        assert.deepEqual(b.on_state, [{ 'script.execute': 'track_crossing' }]);
      }
    });

    it('refers only to ids it declares', () => {
      const declared = new Set<string>([
        ...(config.globals as { id: string }[]).map((g) => g.id),
        ...(config.binary_sensor as { id: string }[]).map((g) => g.id),
        ...(config.time as { id: string }[]).map((g) => g.id),
        ...scripts.map((s) => s.id),
      ]);
      const code = collect(config, (x): x is string | Lambda => typeof x === 'string' || x instanceof Lambda)
        .map((x) => (typeof x === 'string' ? x : x.code))
        .join('\n');
      const used = [...code.matchAll(/\bid\((\w+)\)/g)].map((m) => m[1]!);
      assert.ok(used.length > 20);
      for (const id of used) assert.ok(declared.has(id), `id(${id}) is not declared`);
      for (const target of findAll(config, 'script.execute')) assert.ok(declared.has(target as string), `script ${String(target)} is not declared`);
    });
  });

  describe('broker connection', () => {
    const listeners = mosquittoListeners(MOSQUITTO_CONF);

    it('reads the listeners of the shipped mosquitto.conf', () => {
      assert.ok(listeners.length >= 2, `found ${listeners.length} listeners`);
      assert.ok(listeners.some((l) => l.settings.has('certfile')), 'a TLS listener');
      assert.ok(listeners.some((l) => !l.settings.has('certfile')), 'a plain listener');
    });

    it('connects to the TLS listener the production broker opens on the network', () => {
      const target = listeners.find((l) => l.port === mqtt.port);
      assert.ok(target, `mosquitto.conf has no listener on port ${String(mqtt.port)}`);
      assert.equal(target.bind, undefined, `port ${target.port} is bound to ${target.bind}: the counter cannot reach it`);
      for (const k of ['cafile', 'certfile', 'keyfile']) assert.ok(target.settings.has(k), `listener ${target.port} has no ${k}: it is not TLS`);
      assert.equal(target.settings.get('protocol'), 'mqtt', 'plain MQTT over TLS, not websockets');
      assert.notEqual(target.settings.get('require_certificate'), 'true', 'the counter logs in with a password, not a client certificate');
    });

    it('checks the broker against the school CA, with the framework that supports it', () => {
      assert.ok(mqtt.certificate_authority instanceof Secret, 'certificate_authority from !secret (the school ca.crt)');
      assert.equal((mqtt.certificate_authority as Secret).name, 'mqtt_ca');
      assert.equal(mqtt.skip_cert_cn_check, undefined, 'the broker name is checked');
      assert.equal(((config.esp32 as Obj).framework as Obj).type, 'esp-idf', 'ESPHome takes certificate_authority with esp-idf only');
      const example = parseDocument(SECRETS_TEXT).toJS() as Record<string, string>;
      assert.match(example.mqtt_ca!, /^-----BEGIN CERTIFICATE-----\n[\s\S]*\n-----END CERTIFICATE-----\n?$/, 'the example shows a PEM block');
    });

    it('would be refused on the plain 1883 listener, which only the server itself reaches', () => {
      const plain = listeners.find((l) => l.port === 1883);
      assert.ok(plain);
      assert.equal(plain.bind, '127.0.0.1');
      assert.notEqual(mqtt.port, 1883);
    });
  });

  describe('topics and access', () => {
    const account = { username: DEVICE, role: 'counter' as const };
    const allTopics = () => [...publishes.map((p) => p.topic), ...lifecycle.map((l) => l.topic)];

    it('logs in as its device id', () => {
      assert.equal(mqtt.username, DEVICE);
      assert.equal(mqtt.client_id, DEVICE);
    });

    it('publishes only its status and its counter events, in our topic tree', () => {
      assert.ok(publishes.length >= 2);
      for (const t of allTopics()) {
        const parsed = parseTopic(t);
        assert.ok(parsed, `${t} is outside library/v1`);
        assert.equal(parsed.school, SCHOOL);
        assert.equal(parsed.device, DEVICE);
        assert.ok(t === topics.status(SCHOOL, DEVICE) || t === topics.event(SCHOOL, DEVICE, 'counter'), `${t} is not the counter's status or counter event topic`);
      }
    });

    it('is allowed every topic it uses by the access table, and needs no subscription', () => {
      for (const t of allTopics()) assert.ok(mayPublish(SCHOOL, account, t), `access table refuses ${t}`);
      assert.ok(!mayPublish(SCHOOL, account, topics.status(SCHOOL, 'kiosk-1')));
      assert.deepEqual(rulesFor(SCHOOL, account).publish, [`library/v1/${SCHOOL}/${DEVICE}/#`]);
    });

    it('has its login in the sim config, with the same rules in the generated Mosquitto ACL', () => {
      const cfg = loadConfig('config/sim.json');
      assert.equal(cfg.school.id, SCHOOL);
      const acc = brokerAccounts(cfg).find((a) => a.username === DEVICE);
      assert.ok(acc, `config/sim.json has no server.devices entry for ${DEVICE}`);
      assert.equal(acc.role, 'counter');
      const acl = mosquittoAcl(SCHOOL, [acc]).split('\n');
      assert.deepEqual(acl.slice(acl.indexOf(`user ${DEVICE}`) + 1).filter((l) => l.startsWith('topic')), [`topic readwrite library/v1/${SCHOOL}/${DEVICE}/#`]);
    });
  });

  describe('payloads', () => {
    it('birth, will and shutdown messages are retained status payloads, as the simulator sends them', () => {
      const byKey = Object.fromEntries(lifecycle.map((l) => [l.key, l]));
      for (const l of lifecycle) {
        assert.equal(l.topic, topics.status(SCHOOL, DEVICE));
        assert.equal(l.qos, COUNTER_PUBLISH.status.qos);
        assert.equal(l.retain, COUNTER_PUBLISH.status.retain);
        const payload = statusSchema.parse(JSON.parse(l.payload));
        assert.equal(payload.device, DEVICE);
        assert.equal(payload.role, 'counter');
      }
      assert.deepEqual(JSON.parse(byKey.birth_message!.payload), lifecycleStatus(DEVICE, VERSION, 'online'));
      assert.deepEqual(JSON.parse(byKey.will_message!.payload), lifecycleStatus(DEVICE, VERSION, 'offline'));
      assert.deepEqual(JSON.parse(byKey.shutdown_message!.payload), lifecycleStatus(DEVICE, VERSION, 'offline'));
      // Key order too: the simulator's bytes equal the firmware's.
      assert.equal(byKey.birth_message!.payload, JSON.stringify(lifecycleStatus(DEVICE, VERSION, 'online')));
    });

    it('on_boot draws an 8-hex-digit boot id', () => {
      const fw = bootedFirmware();
      assert.equal(fw.globals.boot_id, '9f3c2a7e');
      assert.equal(bootedFirmware().globals.boot_id, '9f3c2a7e');
      fw.random = 0x1a;
      const again = bootedFirmware();
      again.random = 0x1a;
      runAssignments((config.esphome as { on_boot: { then: { lambda: string }[] } }).on_boot.then[0]!.lambda, again);
      assert.equal(again.globals.boot_id, '0000001a', 'zero-padded, so it always matches the schema');
    });

    it('a counter reading validates against counterEvent and equals the simulator’s, byte for byte', () => {
      const p = countsPublish();
      assert.equal(p.topic, topics.event(SCHOOL, DEVICE, 'counter'));
      assert.equal(p.qos, COUNTER_PUBLISH.reading.qos);
      assert.equal(p.retain, COUNTER_PUBLISH.reading.retain);
      const at = new Date('2026-12-01T02:15:07.000Z');
      const fw = bootedFirmware(at);
      Object.assign(fw.globals, { count_in: 12, count_out: 9, seq: 3 });
      const payload = evalJsonLambda(p.json!, fw);
      const parsed = eventSchema.parse(payload);
      assert.equal(parsed.type, 'counter');
      counterEvent.parse(payload);
      const sim = counterReading({ device: DEVICE, boot: '9f3c2a7e', seq: 3, in: 12, out: 9, at });
      assert.equal(JSON.stringify(payload), JSON.stringify(sim));
    });

    it('after publishing, the counts are remembered as sent and the sequence moves on', () => {
      const fw = bootedFirmware();
      Object.assign(fw.globals, { count_in: 4, count_out: 1, seq: 0 });
      const steps = (scriptNamed('publish_counts').then as { if: { then: Obj[] } }[])[0]!.if.then;
      const after = steps.find((s) => 'lambda' in s)!.lambda as string;
      runAssignments(after, fw);
      assert.deepEqual([fw.globals.sent_in, fw.globals.sent_out, fw.globals.seq], [4, 1, 1]);
    });

    it('the health status validates and equals the simulator’s', () => {
      const p = statusPublish();
      assert.equal(p.topic, topics.status(SCHOOL, DEVICE));
      assert.equal(p.qos, COUNTER_PUBLISH.status.qos);
      assert.equal(p.retain, COUNTER_PUBLISH.status.retain);
      const fw = bootedFirmware();
      const ok = evalJsonLambda(p.json!, fw);
      statusSchema.parse(ok);
      assert.equal(JSON.stringify(ok), JSON.stringify(healthStatus(DEVICE, VERSION, { beamsOk: true, clockOk: true })));
      fw.binarySensors.beam_stuck = true;
      const stuck = statusSchema.parse(evalJsonLambda(p.json!, fw));
      assert.equal(stuck.devices.beams?.ok, false);
    });

    it('the check fails on payload code it cannot read, or on a field the schema does not allow', () => {
      const fw = bootedFirmware();
      assert.throws(() => evalJsonLambda('root["in"] = id(count_in) * 2;', fw), /cannot read C\+\+|unexpected/);
      assert.throws(() => evalJsonLambda('root["in"] = id(no_such_thing);', fw), /not declared/);
      const extra = evalJsonLambda(`${countsPublish().json!}\nroot["rssi"] = 42;`, fw);
      assert.equal(counterEvent.safeParse(extra).success, false);
      const wrongType = evalJsonLambda(countsPublish().json!.replace('root["in"] = id(count_in);', 'root["in"] = str_sprintf("%u", (unsigned) id(count_in));'), fw);
      assert.equal(eventSchema.safeParse(wrongType).success, false);
    });
  });

  describe('direction logic shared with the simulator', () => {
    /**
     * The YAML's track_crossing lambda, as written, made runnable: its C++ is plain enough (locals,
     * if/else, ternaries, id(global), id(sensor).state) that renaming is the whole translation.
     */
    function runnableLambda(): (sensors: Record<string, { state: boolean }>, g: Record<string, number | boolean>) => void {
      const code = (scriptNamed('track_crossing').then as { lambda: string }[])[0]!.lambda;
      const js = code
        .replace(/\/\/.*$/gm, '')
        .replace(/\bconst (bool|int) /g, 'const ')
        .replace(/\bid\((\w+)\)\.state\b/g, 'S.$1.state')
        .replace(/\bid\((\w+)\)/g, 'G.$1');
      assert.doesNotMatch(js, /::|->|\bauto\b|\bstd\b/, 'C++ the translation does not cover');
      return new Function('S', 'G', js) as ReturnType<typeof runnableLambda>;
    }

    it('the YAML’s track_crossing, run as written, counts exactly like the simulator’s tracker', () => {
      const lambda = runnableLambda();
      // Any sequence of debounced beam states (one beam or both changing at a time).
      const states = fc.array(fc.tuple(fc.boolean(), fc.boolean()), { maxLength: 60 });
      fc.assert(
        fc.property(states, (seq) => {
          const fw = bootedFirmware();
          const sensors = { beam_a: { state: false }, beam_b: { state: false } };
          const tracker = new CrossingTracker();
          for (const [a, b] of [...seq, [false, false] as [boolean, boolean]]) {
            if (a === sensors.beam_a.state && b === sensors.beam_b.state) continue; // on_state fires on changes only
            sensors.beam_a.state = a;
            sensors.beam_b.state = b;
            lambda(sensors, fw.globals as Record<string, number | boolean>);
            tracker.update(a, b);
            assert.deepEqual([fw.globals.count_in, fw.globals.count_out], [tracker.in, tracker.out]);
          }
        }),
        { numRuns: 500 },
      );
    });

    it('the lambda counts one walk in and one walk out through the beams', () => {
      const lambda = runnableLambda();
      const fw = bootedFirmware();
      const sensors = { beam_a: { state: false }, beam_b: { state: false } };
      const walk = (states: [boolean, boolean][]) => {
        for (const [a, b] of states) {
          sensors.beam_a.state = a;
          sensors.beam_b.state = b;
          lambda(sensors, fw.globals as Record<string, number | boolean>);
        }
      };
      walk([[true, false], [true, true], [false, true], [false, false]]);
      walk([[false, true], [true, true], [true, false], [false, false]]);
      walk([[true, false], [true, true], [true, false], [false, false]]); // turned back
      assert.deepEqual([fw.globals.count_in, fw.globals.count_out], [1, 1]);
    });

    it('the simulator’s tracker follows the documented beam order', () => {
      const t = new CrossingTracker();
      // in: A, AB, B, clear; out: B, AB, A, clear; a wave through A alone counts nothing.
      const seq = (states: [boolean, boolean][]) => states.map(([a, b]) => t.update(a, b)).filter(Boolean);
      assert.deepEqual(seq([[true, false], [true, true], [false, true], [false, false]]), ['in']);
      assert.deepEqual(seq([[false, true], [true, true], [true, false], [false, false]]), ['out']);
      assert.deepEqual(seq([[true, false], [false, false]]), []);
      assert.deepEqual([t.in, t.out], [1, 1]);
      assert.equal(passageEdges('in').length, 4);
    });
  });
});
