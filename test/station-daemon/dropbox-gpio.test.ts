/**
 * The drop box's GPIO outputs and bin sensor through the sysfs interface, against a folder laid out
 * like /sys/class/gpio (export, gpioN/direction, gpioN/value): what a user would see is which lines
 * are high, and for how long.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SysfsGpioSignalOutput, createSignalOutput, SimSignalOutput } from '#station/dropbox/signal.ts';
import { SysfsFullSensor } from '#station/dropbox/full-sensor.ts';
import { waitUntil, quietLog } from '#test/school.ts';

function fakeSysfs(pins: number[]): string {
  const root = mkdtempSync(join(tmpdir(), 'openshelf-gpio-'));
  writeFileSync(join(root, 'export'), '');
  for (const p of pins) {
    mkdirSync(join(root, `gpio${p}`));
    writeFileSync(join(root, `gpio${p}`, 'direction'), 'in');
    writeFileSync(join(root, `gpio${p}`, 'value'), '0');
  }
  return root;
}
const value = (root: string, pin: number) => readFileSync(join(root, `gpio${pin}`, 'value'), 'utf8');
const direction = (root: string, pin: number) => readFileSync(join(root, `gpio${pin}`, 'direction'), 'utf8');

describe('drop box signals over sysfs GPIO', () => {
  let root: string;
  beforeEach(() => {
    root = fakeSysfs([17, 27, 22]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('pulses green for ok, red and the buzzer for a problem, then rests', async () => {
    const out = new SysfsGpioSignalOutput({ root, okPin: 17, problemPin: 27, buzzerPin: 22, activeLow: false, pulseMs: 150 });
    await out.signal('ok');
    assert.deepEqual([direction(root, 17), direction(root, 27), direction(root, 22)], ['out', 'out', 'out']);
    assert.deepEqual([value(root, 17), value(root, 27), value(root, 22)], ['1', '0', '0']);
    await waitUntil(() => value(root, 17) === '0', 3000, 'green off after the pulse');
    await out.signal('problem');
    assert.deepEqual([value(root, 17), value(root, 27), value(root, 22)], ['0', '1', '1']);
    await waitUntil(() => value(root, 27) === '0' && value(root, 22) === '0', 3000, 'red and buzzer off');
    assert.deepEqual(out.health(), { driver: 'sysfs-gpio', ok: true });
    await out.close();
  });

  it('keeps red on while the bin is full, through other pulses', async () => {
    const out = new SysfsGpioSignalOutput({ root, okPin: 17, problemPin: 27, activeLow: false, pulseMs: 100 });
    await out.signal('full');
    assert.equal(value(root, 27), '1');
    await out.signal('ok');
    await waitUntil(() => value(root, 17) === '0', 3000, 'the ok pulse over');
    assert.equal(value(root, 27), '1', 'still full');
    await out.signal('clear');
    assert.equal(value(root, 27), '0');
    await out.close();
  });

  it('drives active-low lines inverted', async () => {
    const out = new SysfsGpioSignalOutput({ root, okPin: 17, activeLow: true, pulseMs: 100 });
    await out.signal('ok');
    assert.equal(value(root, 17), '0', 'low = lit');
    await waitUntil(() => value(root, 17) === '1', 3000, 'back high = dark');
    await out.close();
  });

  it('a missing line is a health problem, never an exception', async () => {
    const out = new SysfsGpioSignalOutput({ root: join(root, 'nowhere'), okPin: 5, activeLow: false, pulseMs: 100 });
    await out.signal('ok'); // does not throw
    const h = out.health();
    assert.equal(h.ok, false);
    assert.match(h.detail ?? '', /GPIO 5/);
  });

  it('the config picks the driver and refuses sysfs-gpio without any pin', () => {
    assert.ok(createSignalOutput({ driver: 'sim', gpioChip: 'gpiochip0', gpioRoot: root, activeLow: false, pulseMs: 100 }, quietLog) instanceof SimSignalOutput);
    assert.throws(() => createSignalOutput({ driver: 'sysfs-gpio', gpioChip: 'gpiochip0', gpioRoot: root, activeLow: false, pulseMs: 100 }, quietLog), /okPin, problemPin, buzzerPin/);
  });

  it('the bin sensor reports each change of its input line', async () => {
    const sensor = new SysfsFullSensor({ root, pin: 22, activeLow: false, pollMs: 100 });
    const seen: boolean[] = [];
    sensor.on('change', (full) => seen.push(full));
    sensor.start();
    await waitUntil(() => seen.length === 1, 3000, 'the first reading');
    assert.equal(direction(root, 22), 'in');
    writeFileSync(join(root, 'gpio22', 'value'), '1\n');
    await waitUntil(() => sensor.full === true, 3000, 'full');
    writeFileSync(join(root, 'gpio22', 'value'), '0\n');
    await waitUntil(() => sensor.full === false, 3000, 'not full');
    assert.deepEqual(seen, [false, true, false]);
    await sensor.close();
  });
});
