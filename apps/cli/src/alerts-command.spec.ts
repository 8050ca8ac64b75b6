// `omega alerts` / `omega incidents` on bad input and without a reachable intelligence service: a
// clear one-line message naming the flag or the address, and exit 2 (usage) or 1 (failure). (What
// they print of real alerts is checked against a running stack in cli-gateway.spec.ts and
// demo/demo-e2e.spec.ts.)
import { createServer } from 'node:net';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('omega alerts and incidents', () => {
  it('refuses a --limit that is not a positive integer, naming it, with exit code 2', async () => {
    const io = bufferedIo();
    expect(await runCli(['alerts', 'list', '--limit', '0'], io)).toBe(2);
    expect(io.errors).toEqual([
      "omega: option '--limit <n>' argument '0' is invalid. expected a positive integer, got '0'",
    ]);
  });

  it('exits 2 for show without an id, and for an unknown subcommand', async () => {
    const show = bufferedIo();
    expect(await runCli(['incidents', 'show'], show)).toBe(2);
    expect(show.errors).toEqual(["omega: missing required argument 'id'"]);
    const unknown = bufferedIo();
    expect(await runCli(['alerts', 'delete', 'x'], unknown)).toBe(2);
    expect(unknown.errors[0]).toMatch(/^omega: unknown command 'delete'/);
  });

  it('names the intelligence address it could not reach', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const io = bufferedIo();
    expect(await runCli(['incidents', 'list', '--intelligence', address], io)).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0]).toMatch(
      new RegExp(`^omega: omega.v1.IntelligenceService/ListIncidents at ${address}: .*UNAVAILABLE`),
    );
  });
});
