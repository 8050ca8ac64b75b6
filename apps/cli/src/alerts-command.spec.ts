// `omega alerts` / `omega incidents` on bad input and without a reachable intelligence service: a
// clear message naming the flag or the address, and a non-zero exit. (What they print of real
// alerts and incidents is checked against a running stack in demo/demo-e2e.spec.ts.)
import { createServer } from 'node:net';
import { alertsCommand } from './alerts-command';

function capture(): {
  lines: string[];
  io: { out: (l: string) => void; err: (l: string) => void };
} {
  const lines: string[] = [];
  return { lines, io: { out: (l) => void lines.push(l), err: (l) => void lines.push(l) } };
}

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
  it('refuses a --limit that is not a positive integer, naming it', async () => {
    const { lines, io } = capture();
    expect(await alertsCommand('alerts', ['list', '--limit', '0'], io)).toBe(2);
    expect(lines).toEqual(["omega alerts: --limit: expected a positive integer, got '0'"]);
  });

  it('prints the usage for show without an id, and for an unknown subcommand', async () => {
    const show = capture();
    expect(await alertsCommand('incidents', ['show'], show.io)).toBe(2);
    expect(show.lines[0]).toMatch(/^usage: omega alerts list/);
    const unknown = capture();
    expect(await alertsCommand('alerts', ['delete', 'x'], unknown.io)).toBe(2);
    expect(unknown.lines[0]).toMatch(/^omega alerts: unknown command 'delete'/);
  });

  it('names the intelligence address it could not reach', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const { lines, io } = capture();
    expect(await alertsCommand('incidents', ['list', '--intelligence', address], io)).toBe(1);
    expect(lines.join('\n')).toMatch(
      new RegExp(`^omega incidents list: intelligence ${address}: .*UNAVAILABLE`),
    );
  });
});
