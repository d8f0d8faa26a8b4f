import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { KeyboardWedgeReader } from '#hardware/drivers/keyboard-wedge-reader.ts';
import { RawRecorder } from '#hardware/record/raw-recorder.ts';
import { parseRecording } from '#hardware/record/recording-format.ts';
import { RecordingTransport } from '#hardware/record/recording-transport.ts';
import { ReplayTransport } from '#hardware/record/replay-transport.ts';
import { SerialLineReader } from '#hardware/serial/line-reader.ts';
import { keyboardReports } from '#hardware/sim/keyboard-reports.ts';
import { SimHidTransport } from '#hardware/sim/sim-hid-transport.ts';
import { SimSerialScanner } from '#hardware/sim/sim-serial-scanner.ts';

describe('hardware/record', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-rec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function codesOf(transport: ConstructorParameters<typeof KeyboardWedgeReader>[0]): string[] {
    const codes: string[] = [];
    new KeyboardWedgeReader(transport, { kind: 'scanner', driver: 'replay' }).onCode((c) => codes.push(c));
    return codes;
  }

  it('records each HID report as a JSON line {t, hex} and passes it on unchanged', async () => {
    let now = 1_700_000_000_000;
    const file = join(dir, 'logs', 'scanner.jsonl');
    const sim = new SimHidTransport();
    const rec = new RecordingTransport(sim, new RawRecorder(file, { now: () => (now += 4) }));
    const codes = codesOf(rec);
    await sim.type('12');
    await rec.close();
    assert.deepEqual(codes, ['12']);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 6);
    assert.deepEqual(JSON.parse(lines[0]!), { t: 1_700_000_000_004, hex: '00001e0000000000' });
    assert.deepEqual(JSON.parse(lines[4]!), { t: 1_700_000_000_020, hex: '0000280000000000' });
  });

  it('appends to an existing recording', async () => {
    const file = join(dir, 'r.jsonl');
    for (const code of ['1', '2']) {
      const sim = new SimHidTransport();
      const rec = new RecordingTransport(sim, new RawRecorder(file));
      codesOf(rec);
      await sim.type(code);
      await rec.close();
    }
    assert.equal(parseRecording(readFileSync(file, 'utf8')).records.length, 8);
  });

  it('replays a recording through the decoder, fast', async () => {
    const file = join(dir, 'r.jsonl');
    const sim = new SimHidTransport();
    const rec = new RecordingTransport(sim, new RawRecorder(file));
    codesOf(rec);
    await sim.type('30001000000101');
    await sim.type('ABC');
    await rec.close();
    const { transport, skipped } = await ReplayTransport.fromFile(file, { speed: 'fast' });
    const codes = codesOf(transport);
    const ended = sinon.spy();
    transport.on('end', ended);
    assert.equal(await transport.play(), 38); // 17 characters and 2 Enters, press + release each
    assert.equal(skipped, 0);
    assert.deepEqual(codes, ['30001000000101', 'ABC']);
    assert.equal(ended.callCount, 1);
  });

  it('skips bad lines (a truncated last line after a crash) and counts them', () => {
    const text = ['{"t":1,"hex":"00001e0000000000"}', 'not json', '{"t":"x","hex":"00"}', '{"t":2,"hex":"abc"}', '', '{"t":3,"hex":"00"'].join('\n');
    const { records, skipped } = parseRecording(text);
    assert.deepEqual(records, [{ t: 1, hex: '00001e0000000000' }]);
    assert.equal(skipped, 4);
  });

  describe('timing', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: 1_700_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => clock.restore());

    /** "12" without Enter, a 2 s pause, then "45" + Enter: the half code must time out. */
    function recording() {
      const hex = (b: Buffer) => b.toString('hex');
      const half = keyboardReports('123').slice(0, 4);
      const rest = keyboardReports('45');
      let t = 1000;
      return [...half.map((r) => ({ t: (t += 4), hex: hex(r) })), ...rest.map((r, i) => ({ t: (i === 0 ? (t += 2000) : (t += 4)), hex: hex(r) }))];
    }

    it('keeps the recorded gaps, so the half code times out as it did on the device', async () => {
      const replay = new ReplayTransport(recording());
      const codes = codesOf(replay);
      const done = replay.play();
      await clock.tickAsync(11);
      assert.deepEqual(codes, []);
      await clock.tickAsync(1999);
      await clock.tickAsync(100);
      assert.equal(await done, 10);
      assert.deepEqual(codes, ['45']);
    });

    it('waits the recorded gap, scaled by speed', async () => {
      const replay = new ReplayTransport([{ t: 0, hex: '01' }, { t: 1000, hex: '02' }], { speed: 2 });
      const got: string[] = [];
      replay.on('data', (b: Buffer) => got.push(b.toString('hex')));
      void replay.play();
      await clock.tickAsync(499);
      assert.deepEqual(got, ['01']);
      await clock.tickAsync(1);
      assert.deepEqual(got, ['01', '02']);
    });

    it('caps long gaps at maxGapMs', async () => {
      const replay = new ReplayTransport([{ t: 0, hex: '01' }, { t: 86_400_000, hex: '02' }], { maxGapMs: 50 });
      const done = replay.play();
      await clock.tickAsync(50);
      assert.equal(await done, 2);
    });

    it('fast replay ignores the gaps (and so joins the half code: use timing to reproduce timeouts)', async () => {
      const replay = new ReplayTransport(recording(), { speed: 'fast' });
      const codes = codesOf(replay);
      await replay.play();
      assert.deepEqual(codes, ['1245']);
    });

    it('stops when closed', async () => {
      const replay = new ReplayTransport([{ t: 0, hex: '01' }, { t: 100, hex: '02' }]);
      const done = replay.play();
      await replay.close();
      await clock.tickAsync(100);
      assert.equal(await done, 1);
    });
  });

  it('stops recording at the size limit without disturbing the reader', async () => {
    const file = join(dir, 'r.jsonl');
    const recorder = new RawRecorder(file, { maxBytes: 200 });
    const sim = new SimHidTransport();
    const rec = new RecordingTransport(sim, recorder);
    const codes = codesOf(rec);
    await sim.type('123456');
    await rec.close();
    assert.deepEqual(codes, ['123456']);
    assert.match(recorder.stoppedBecause ?? '', /size limit/);
    assert.ok(readFileSync(file, 'utf8').length <= 200);
  });

  it('a recording file that cannot be written stops the recording, not the reader', async () => {
    const file = join(dir, 'is-a-dir');
    mkdirSync(file);
    const recorder = new RawRecorder(file);
    const sim = new SimHidTransport();
    const rec = new RecordingTransport(sim, recorder);
    const codes = codesOf(rec);
    await sim.type('77');
    assert.deepEqual(codes, ['77']);
    await rec.close();
    assert.match(recorder.stoppedBecause ?? '', /write failed: EISDIR/);
  });

  it('records a serial scanner\'s chunks and replays them into the line reader', async () => {
    const file = join(dir, 'serial.jsonl');
    const sim = new SimSerialScanner({ chunkSize: 5, chunkIntervalMs: 1 });
    const reader = new SerialLineReader({ kind: 'scanner', driver: 'serial', path: sim.path, baudRate: 9600, open: sim.open, recorder: new RawRecorder(file) });
    const live: string[] = [];
    reader.onCode((c) => live.push(c));
    reader.start();
    await new Promise<void>((res) => setImmediate(res));
    await sim.type('30001000000101');
    await new Promise<void>((res) => setImmediate(res));
    await reader.close();
    assert.deepEqual(live, ['30001000000101']);

    const { transport } = await ReplayTransport.fromFile(file, { speed: 'fast' });
    assert.equal(transport.records.length, 3); // 15 bytes in chunks of 5
    const replayed = new SerialLineReader({ kind: 'scanner', driver: 'replay', path: file, baudRate: 0, open: async () => transport });
    const codes: string[] = [];
    replayed.onCode((c) => codes.push(c));
    replayed.start();
    await new Promise<void>((res) => setImmediate(res));
    await transport.play();
    await replayed.close();
    assert.deepEqual(codes, ['30001000000101']);
  });

  it('reads upper-case hex as written by hand', () => {
    const { records, skipped } = parseRecording('{"t":5,"hex":"0A0b"}\n');
    assert.deepEqual(records, [{ t: 5, hex: '0a0b' }]);
    assert.equal(skipped, 0);
  });
});
