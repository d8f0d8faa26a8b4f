/** Starting and stopping the HTTP + socket.io servers of the school server and the stations. */
import type { Server as HttpServer } from 'node:http';
import type { Server as IoServer } from 'socket.io';

/** Listens on host:port (0 picks a free port); resolves with the port actually bound. */
export async function listenHttp(http: HttpServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const a = http.address();
  return typeof a === 'object' && a ? a.port : port;
}

/** Closes socket.io (which closes the HTTP server too) without idle keep-alive connections holding the port. */
export async function closeHttp(io: IoServer, http: HttpServer): Promise<void> {
  const closed = new Promise<void>((res) => io.close(() => res()));
  http.closeAllConnections();
  await closed;
}
