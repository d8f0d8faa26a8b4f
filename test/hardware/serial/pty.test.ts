/**
 * The serial scanner path over a real serial line: socat joins two pseudo-terminals, the test
 * plays the scanner on one through serialport's SerialPort (native binding, termios and all), and
 * the reader the station builds for `driver: "serial"` (readers-factory → SerialLineReader →
 * openSerialPort) reads the other. Skips locally without socat; with CI=true a missing socat fails.
 *
 * The scanner's pty has socat's `wait-slave`: without it socat keeps both slave sides open itself
 * (see /proc/<socat>/fd), so the scanner closing its end would go unseen. With it socat closes its
 * copy, gets EIO when the scanner closes, ends (0.5 s later, its -t default) and so hangs up the
 * reader's side: the same thing the reader sees when a USB CDC scanner is unplugged.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import pino from 'pino';
import { SerialPort } from 'serialport';
import { stationConfigSchema } from '#core/config.ts';
import { createCodeReader, type HealthReportingReader } from '#hardware/readers-factory.ts';
import { requireTool } from '#test/require-tool.ts';

function open(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const p: SerialPort = new SerialPort({ path, baudRate: 9600 }, (err) => (err ? reject(err) : resolve(p)));
  });
}

/**
 * Starts socat with two linked ptys. The first (the scanner's, wait-slave) is opened as soon as
 * socat names it, since socat goes on to the second only then; resolves once the loop runs.
 */
function startSocat(socat: string): Promise<{ proc: ChildProcess; scanner: SerialPort; readerPath: string; log: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(socat, ['-d', '-d', 'pty,raw,echo=0,wait-slave,pty-interval=0.02', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let scanner: Promise<SerialPort> | undefined;
    const fail = (err: Error) => {
      clearTimeout(timer);
      if (proc.exitCode === null) proc.kill('SIGTERM');
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`socat did not report two ptys:\n${log}`)), 5000);
    const early = (code: number | null) => fail(new Error(`socat exited early (${code}):\n${log}`));
    proc.once('error', fail);
    proc.once('exit', early);
    proc.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const paths = [...log.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
      if (paths.length >= 1 && !scanner) {
        scanner = open(paths[0]!);
        scanner.catch(fail);
      }
      if (paths.length === 2 && /starting data transfer loop/.test(log)) {
        clearTimeout(timer);
        proc.off('exit', early);
        void scanner!.then((s) => resolve({ proc, scanner: s, readerPath: paths[1]!, log: () => log }), fail);
      }
    });
  });
}

/** Waits until `cond` holds, polling; fails with `what` after `ms`. */
async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function write(port: SerialPort, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    port.write(data, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hardware/serial line reader over a socat pseudo-terminal pair', function () {
  this.timeout(15000);
  let socat: ChildProcess | undefined;
  let socatLog: () => string = () => '';
  let scanner: SerialPort | undefined;
  let reader: HealthReportingReader | undefined;
  const codes: string[] = [];

  before(async function () {
    const tool = requireTool(this, 'socat', ['/usr/bin/socat', '/bin/socat', '/usr/local/bin/socat']);
    const s = await startSocat(tool);
    socat = s.proc;
    socatLog = s.log;
    scanner = s.scanner;
    const cfg = stationConfigSchema.parse({ device: 'kiosk-1', password: 'x', devices: { scanner: { driver: 'serial', path: s.readerPath, baudRate: 9600 } } }).devices.scanner;
    const made = createCodeReader('scanner', cfg, pino({ level: 'silent' }), { retry: { minMs: 50, maxMs: 200 } });
    assert.ok(made && !made.sim, 'a real (not simulated) serial reader');
    reader = made.reader;
    reader.onCode((c) => codes.push(c));
    await until(() => reader!.health().present, 'the reader to open its pty');
  });

  after(async () => {
    await reader?.close();
    if (scanner?.isOpen) await new Promise((r) => scanner!.close(r));
    if (socat && socat.exitCode === null && socat.signalCode === null) {
      socat.kill('SIGTERM');
      await once(socat, 'exit');
    }
  });

  it('scanned codes with CRLF arrive, in order, however the USB packets split them', async () => {
    codes.length = 0;
    await write(scanner!, '30001000000101\r\n');
    await write(scanner!, '9786041234567\r\nHS0042\r\n');
    // One code across three writes, the CR and LF in different ones.
    await write(scanner!, '2000100');
    await write(scanner!, '0000012\r');
    await write(scanner!, '\n');
    await until(() => codes.length >= 4, 'four codes');
    await sleep(50);
    assert.deepEqual(codes, ['30001000000101', '9786041234567', 'HS0042', '20001000000012']);
    const h = reader!.health();
    assert.equal(h.ok, true);
    assert.equal(h.present, true);
    assert.equal(h.reconnects, 0);
  });

  it('garbage then a good line: the garbled line is dropped and the next code comes through', async () => {
    codes.length = 0;
    // Power-up noise / a wrong baud rate: control bytes and invalid UTF-8, ended by a line end.
    await write(scanner!, Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x30, 0x6d, 0x80, 0xc3, 0x0d, 0x0a]));
    await write(scanner!, 'HS0043\r\n');
    await until(() => codes.length >= 1, 'the code after the garbage');
    assert.deepEqual(codes, ['HS0043']);
    assert.match(reader!.health().detail ?? '', /1 garbled line dropped/);
  });

  it('garbage with no line end, a pause, then a good line: the half line times out and the code comes through', async () => {
    codes.length = 0;
    await write(scanner!, Buffer.from([0xff, 0x00, 0x31, 0x32]));
    await sleep(700); // longer than the framer's 500 ms inter-byte timeout
    await write(scanner!, '9786041234568\r\n');
    await until(() => codes.length >= 1, 'the code after the pause');
    assert.deepEqual(codes, ['9786041234568']);
    assert.match(reader!.health().detail ?? '', /1 half line timed out/);
  });

  it('closing the scanner end is noticed: not present, health says the port closed', async () => {
    assert.equal(reader!.health().present, true);
    await new Promise((r) => scanner!.close(r));
    await until(() => !reader!.health().present, 'the reader to notice the scanner went away', 5000);
    const h = reader!.health();
    assert.equal(h.ok, false);
    assert.match(h.detail ?? '', /^not connected: \/dev\/pts\/\d+ closed/, `${h.detail}\nsocat:\n${socatLog()}`);
    // socat saw the scanner's side close (EIO) and ended; that is what hung the reader's side up.
    if (socat!.exitCode === null) await once(socat!, 'exit');
    assert.equal(socat!.exitCode, 0);
    assert.match(socatLog(), /PTY closed|is at EOF/);
  });
});
