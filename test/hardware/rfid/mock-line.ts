/**
 * Test rig: a FeigIsoHostReader talking over serialport's SerialPortMock to a SimFeigReader that
 * answers on the mock's writes. Each rig gets its own port path, so nothing needs a global reset.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { SerialPortMock } from 'serialport';
import { FeigIsoHostReader, type FeigReaderOptions } from '#hardware/rfid/feig-reader.ts';
import { SerialPortTransport } from '#hardware/rfid/serial-transport.ts';
import { SimFeigReader, type SimReaderOptions } from '#hardware/rfid/sim-reader.ts';

export interface MockLine {
  port: SerialPortMock;
  sim: SimFeigReader;
  reader: FeigIsoHostReader;
  /** Every byte the host wrote (the mock's recording). */
  written(): Buffer;
  close(): Promise<void>;
}

export async function mockLine(opts: { sim?: SimReaderOptions; reader?: FeigReaderOptions } = {}): Promise<MockLine> {
  const path = `/dev/rfid-mock-${randomUUID()}`;
  SerialPortMock.binding.createPort(path, { record: true });
  const port = new SerialPortMock({ path, baudRate: 38400 });
  await once(port, 'open');
  const sim = new SimFeigReader(opts.sim);
  await sim.attachToSerialPortMock(port);
  const reader = new FeigIsoHostReader(new SerialPortTransport(port), { timeoutMs: 300, ...opts.reader });
  return {
    port,
    sim,
    reader,
    written: () => Buffer.from(port.port!.recording),
    close: () => reader.close(),
  };
}
