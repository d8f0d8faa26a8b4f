/**
 * Free TCP ports on loopback for servers started by tests.
 *
 * Ports come from below the kernel's ephemeral range (32768+ on Linux): a client that keeps
 * reconnecting to a stopped server on an ephemeral port can, now and then, be given that very port
 * as its own source port, connect to itself, and hold the port the server wants back.
 */
import { createServer } from 'node:net';

const LOW = 20000;
const HIGH = 32000;
const handedOut = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}
