/**
 * The drop box's lights and bin sensor on the GPIO character device through Debian's gpiod tools
 * (libgpiod v1 syntax, Raspberry Pi OS Bookworm). Fake `gpioset`/`gpioget` scripts on the PATH
 * record their exact argv and their lifetime: what the hardware would see is which values the one
 * live gpioset holds, and that a line is never requested by two processes at once.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignalOutput, GpiodSignalOutput } from '#station/dropbox/signal.ts';
import { GpiodFullSensor, createFullSensor } from '#station/dropbox/full-sensor.ts';
import { stationConfigSchema } from '#core/config.ts';
import { waitUntil, quietLog } from '#test/school.ts';

interface Fake {
  dir: string;
  path: string;
  log: string;
  /** The value gpioget prints for an offset. */
  setInput(offset: number, v: '0' | '1' | 'garbage'): void;
}

function fakeGpiod(o: { failSet?: string } = {}): Fake {
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-gpiod-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  mkdirSync(bin);
  const argv = `line="$1"; shift; for a in "$@"; do line="$line [$a]"; done; echo "$line" >> '${log}'`;
  writeFileSync(
    join(bin, 'gpioset'),
    o.failSet
      ? `#!/bin/sh\nset -- "start $$" "$@"; ${argv}\necho '${o.failSet}' >&2\necho "failed $$" >> '${log}'\nexit 1\n`
      : `#!/bin/sh\nset -- "start $$" "$@"; ${argv}\ntrap 'echo "stop $$" >> "${log}"; exit 0' TERM INT\nwhile :; do sleep 1 & wait $!; done\n`,
  );
  writeFileSync(join(bin, 'gpioget'), `#!/bin/sh\nset -- "get" "$@"; ${argv}\ncat '${dir}/in-'"$2"\n`);
  chmodSync(join(bin, 'gpioset'), 0o755);
  chmodSync(join(bin, 'gpioget'), 0o755);
  return {
    dir,
    path: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    log,
    setInput: (offset, v) => writeFileSync(join(dir, `in-${offset}`), `${v}\n`),
  };
}

/** The recorded calls: ['start', pid, ...argv] / ['stop', pid] / ['get', ...argv]. */
function calls(f: Fake): string[][] {
  return readFileSync(f.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [head, ...rest] = l.split(' ');
      if (head === 'start' || head === 'stop' || head === 'failed') return [head, rest[0]!, ...[...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
      return [head!, ...[...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    });
}
const starts = (f: Fake) => calls(f).filter((c) => c[0] === 'start');
/** The values the live gpioset holds now (the last start not yet stopped), or null. */
function held(f: Fake): string[] | null {
  const cs = calls(f);
  const last = [...cs].reverse().find((c) => c[0] === 'start');
  if (!last) return null;
  if (cs.some((c) => (c[0] === 'stop' || c[0] === 'failed') && c[1] === last[1])) return null;
  return last.slice(2);
}
/** Every start comes after the previous process stopped: no line is requested twice at once. */
function assertNoOverlap(f: Fake): void {
  let live: string | null = null;
  for (const c of calls(f)) {
    if (c[0] === 'start') {
      assert.equal(live, null, `gpioset ${c[1]} started while ${String(live)} still held the lines`);
      live = c[1]!;
    } else if (c[0] === 'stop' || c[0] === 'failed') {
      assert.equal(c[1], live);
      live = null;
    }
  }
}

describe('drop box signals over the GPIO character device (gpiod tools)', function () {
  this.timeout(20000);
  let f: Fake;
  afterEach(() => rmSync(f.dir, { recursive: true, force: true }));

  it('holds each state with one gpioset --mode=signal, exact argv, one process at a time', async () => {
    f = fakeGpiod();
    const out = new GpiodSignalOutput({ chip: 'gpiochip0', okPin: 17, problemPin: 27, buzzerPin: 22, activeLow: false, pulseMs: 1000, path: f.path });
    await out.signal('ok');
    // 'spawn' comes before the script logs itself: poll for what it recorded.
    await waitUntil(() => held(f) !== null, 5000, 'gpioset running');
    assert.deepEqual(starts(f)[0]!.slice(2), ['--mode=signal', 'gpiochip0', '17=1', '27=0', '22=0']);
    await waitUntil(() => held(f)?.join(' ') === '--mode=signal gpiochip0 17=0 27=0 22=0', 5000, 'green off after the pulse');
    await out.signal('problem');
    await waitUntil(() => starts(f).length === 4 && held(f) !== null, 10000, 'red and buzzer on, then off');
    assert.deepEqual(
      starts(f).map((c) => c.slice(4).join(' ')),
      ['17=1 27=0 22=0', '17=0 27=0 22=0', '17=0 27=1 22=1', '17=0 27=0 22=0'],
    );
    assert.deepEqual(out.health(), { driver: 'gpiod', ok: true });
    await out.close();
    await waitUntil(() => held(f) === null, 5000, 'gpioset ended on close');
    assertNoOverlap(f);
    assert.equal(starts(f).length, 4);
  });

  it('keeps red on while the bin is full, through a pulse; drives active-low lines inverted', async () => {
    f = fakeGpiod();
    const out = new GpiodSignalOutput({ chip: '0', okPin: 5, problemPin: 6, activeLow: true, pulseMs: 1000, path: f.path });
    await out.signal('full');
    await waitUntil(() => held(f)?.join(' ') === '--mode=signal 0 5=1 6=0', 5000, 'red on (low), green off (high)');
    await out.signal('ok');
    await waitUntil(() => starts(f).length === 3 && held(f) !== null, 10000, 'the ok pulse, then back to full');
    assert.deepEqual(starts(f).map((c) => c.slice(4).join(' ')), ['5=1 6=0', '5=0 6=0', '5=1 6=0'], 'green pulses (low) while red stays on (low)');
    await out.signal('clear');
    await waitUntil(() => held(f)?.join(' ') === '--mode=signal 0 5=1 6=1', 5000, 'all off (high)');
    await out.close();
    assertNoOverlap(f);
  });

  it('reports a gpioset that fails (line busy) in its health, and tries again on the next signal', async () => {
    f = fakeGpiod({ failSet: 'gpioset: error setting the GPIO line values: Device or resource busy' });
    const out = new GpiodSignalOutput({ chip: 'gpiochip0', okPin: 17, activeLow: false, pulseMs: 5000, path: f.path });
    await out.signal('ok');
    await waitUntil(() => out.health().ok === false, 5000, 'health shows the failure');
    assert.match(out.health().detail ?? '', /Device or resource busy/);
    assert.match(out.health().detail ?? '', /gpioset --mode=signal gpiochip0 17=1/);
    await out.signal('problem'); // no problem pin: same values, but nothing holds them now
    await waitUntil(() => starts(f).length === 2, 5000, 'a second attempt');
    await out.close();
  });

  it('says which package to install when gpioset is missing', async () => {
    f = fakeGpiod();
    const empty = join(f.dir, 'empty');
    mkdirSync(empty);
    const out = new GpiodSignalOutput({ chip: 'gpiochip0', okPin: 17, activeLow: false, pulseMs: 100, path: empty });
    await out.signal('ok');
    assert.equal(out.health().ok, false);
    assert.match(out.health().detail ?? '', /apt install gpiod/);
    await out.close();
  });

  it('is chosen by the config, with gpiochip0 by default', () => {
    f = fakeGpiod();
    const cfg = stationConfigSchema.parse({ device: 'dropbox-1', role: 'dropbox', password: 'x', dropbox: { signal: { driver: 'gpiod', okPin: 17, problemPin: 27 }, fullSensor: { driver: 'gpiod', pin: 22 } } });
    assert.equal(cfg.dropbox.signal.gpioChip, 'gpiochip0');
    assert.ok(createSignalOutput(cfg.dropbox.signal, quietLog) instanceof GpiodSignalOutput);
    assert.ok(createFullSensor(cfg.dropbox.fullSensor, quietLog) instanceof GpiodFullSensor);
    assert.throws(() => createSignalOutput({ ...cfg.dropbox.signal, okPin: 27 }, quietLog), /different lines/);
    assert.throws(() => createSignalOutput({ ...cfg.dropbox.signal, okPin: undefined, problemPin: undefined }, quietLog), /okPin, problemPin, buzzerPin for the gpiod driver/);
  });

  it('reads the bin sensor with gpioget <chip> <offset>, active-low too, and reports an unreadable line', async () => {
    f = fakeGpiod();
    f.setInput(22, '0');
    const sensor = new GpiodFullSensor({ chip: 'gpiochip0', pin: 22, activeLow: false, pollMs: 100, path: f.path });
    const seen: boolean[] = [];
    sensor.on('change', (v) => seen.push(v));
    sensor.start();
    await waitUntil(() => sensor.full === false, 5000, 'first reading');
    f.setInput(22, '1');
    await waitUntil(() => sensor.full === true, 5000, 'full');
    assert.deepEqual(seen, [false, true]);
    assert.deepEqual(calls(f).find((c) => c[0] === 'get'), ['get', 'gpiochip0', '22']);
    f.setInput(22, 'garbage');
    await waitUntil(() => !sensor.health().ok, 5000, 'unreadable');
    assert.match(sensor.health().detail ?? '', /printed "garbage"/);
    await sensor.close();

    f.setInput(23, '0');
    const low = new GpiodFullSensor({ chip: 'gpiochip0', pin: 23, activeLow: true, pollMs: 100, path: f.path });
    low.start();
    await waitUntil(() => low.full === true, 5000, 'active-low: 0 means full');
    await low.close();
  });
});
