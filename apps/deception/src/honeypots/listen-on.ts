// Starts a honeypot's server on its host and port and resolves with the port it got (0 → the OS's).
import type { Server as NetServer } from 'node:net';

export function listenOn(
  server: NetServer,
  listen: { readonly host: string; readonly port: number },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(listen.port, listen.host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : listen.port);
    });
  });
}
