/**
 * The whole path over a real serial line: socat joins two pseudo-terminals, the simulated reader
 * answers on one through serialport's SerialPort (native binding, termios and all), the driver
 * talks on the other. Skips locally without socat; with CI=true a missing socat fails.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { SerialPort } from 'serialport';
import { requireTool } from '#test/require-tool.ts';
import { FeigIsoHostReader } from '#hardware/rfid/feig-reader.ts';
import { RfidPad, type PadTagsEvent } from '#hardware/rfid/rfid-pad.ts';
import { SerialPortTransport } from '#hardware/rfid/serial-transport.ts';
import { SimFeigReader } from '#hardware/rfid/sim-reader.ts';

/** Starts socat with two linked ptys; resolves with their paths once socat reported both. */
function startSocat(socat: string): Promise<{ proc: ChildProcess; paths: [string, string] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(socat, ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const paths: string[] = [];
    let log = '';
    const timer = setTimeout(() => reject(new Error(`socat did not report two ptys:\n${log}`)), 5000);
    proc.once('error', reject);
    proc.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      for (const m of chunk.toString().matchAll(/PTY is (\S+)/g)) paths.push(m[1]!);
      if (paths.length === 2 && /starting data transfer loop/.test(log)) {
        clearTimeout(timer);
        resolve({ proc, paths: [paths[0]!, paths[1]!] });
      }
    });
  });
}

function open(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const p: SerialPort = new SerialPort({ path, baudRate: 38400, parity: 'even' }, (err) => (err ? reject(err) : resolve(p)));
  });
}

describe('hardware/rfid over a socat pseudo-terminal pair', function () {
  this.timeout(15000);
  let socat: ChildProcess | undefined;
  let readerEnd: SerialPort | undefined;
  let reader: FeigIsoHostReader | undefined;
  let pad: RfidPad | undefined;

  before(async function () {
    const tool = requireTool(this, 'socat', ['/usr/bin/socat', '/bin/socat', '/usr/local/bin/socat']);
    const s = await startSocat(tool);
    socat = s.proc;
    readerEnd = await open(s.paths[0]);
    const sim = new SimFeigReader();
    sim.attachToStream(readerEnd);
    sim.placeTags([{ itemId: '30001000000101' }, { itemId: '30001000000119' }, { itemId: 'MS0000123', parts: 2, part: 1 }]);
    reader = new FeigIsoHostReader(new SerialPortTransport(await open(s.paths[1])), { timeoutMs: 2000 });
  });

  after(async () => {
    await pad?.stop();
    await reader?.close();
    if (readerEnd?.isOpen) await new Promise((r) => readerEnd!.close(r));
    if (socat && socat.exitCode === null) {
      socat.kill('SIGTERM');
      await once(socat, 'exit');
    }
  });

  it('inventories the tags on the simulated pad through the pty', async () => {
    const tags = await reader!.inventory();
    assert.equal(tags.length, 3);
    assert.ok(tags.every((t) => /^E004[0-9A-F]{12}$/.test(t.uid)));
  });

  it('reads, writes the AFI and reads it back through the pty', async () => {
    const [first] = await reader!.inventory();
    await reader!.writeAfi(first!.uid, 0xc2);
    assert.equal((await reader!.systemInfo(first!.uid)).afi, 0xc2);
    const mem = await reader!.readBlocks(first!.uid, 0, 9);
    assert.equal(new TextDecoder().decode(mem.subarray(3, 17)), '30001000000101');
  });

  it('the pad decodes the items', async () => {
    pad = new RfidPad({ connect: async () => reader!, pollMs: 20 });
    pad.start();
    const [e] = (await once(pad, 'tags')) as [PadTagsEvent];
    assert.deepEqual(
      e.items.map((i) => `${i.owner}/${i.itemId}/${i.setInfo.part}of${i.setInfo.parts}`),
      ['VN-THCS01/30001000000101/1of1', 'VN-THCS01/30001000000119/1of1', 'VN-THCS01/MS0000123/1of2'],
    );
  });
});
