// Before a local stack starts: every port it will listen on must be free, or it says which are
// taken and how to run a second stack beside the first.
import { createServer } from 'node:net';
import { Code, OmegaError } from '@omega/runtime';

export async function assertPortsFree(ports: { port: number; what: string }[]): Promise<void> {
  const busy: string[] = [];
  for (const { port, what } of ports) {
    if (!(await isPortFree(port))) busy.push(`${port} (${what})`);
  }
  if (busy.length > 0) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `ports already in use: ${busy.join(', ')}. Is another \`omega up\` running? Stop it, or use --port-offset N.`,
    );
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
