// Starts the demo's actors inside their hosts' network namespaces (`ip netns exec`) and follows
// the JSON lines they report; every process started here is stopped by stopAll(), whatever
// happened before.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';
import { lineSplitter } from '../log-lines';
import type { DemoHost } from './demo-topology';

export type ActorReport = Record<string, unknown> & { event: string };

export interface Actor {
  readonly name: string;
  readonly pid: number;
  readonly reports: ActorReport[];
  /** Lines on stdout that were not reports (e.g. tcpdump's packets). */
  readonly lines: string[];
  /** Resolves with the first report of `event` (already received or next), or rejects after timeoutMs. */
  waitFor(event: string, timeoutMs: number): Promise<ActorReport>;
  /** Resolves when the process has exited, with its exit code (or signal). */
  readonly exited: Promise<string>;
}

export class DemoActors {
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly nodeBin: string,
    /** The worker script (dist/demo/demo-worker.js). */
    private readonly workerPath: string,
    /** Where an actor's stderr goes (the demo's log). */
    private readonly log: (line: string) => void,
  ) {}

  static workerIn(cliDist: string): string {
    return join(cliDist, 'demo', 'demo-worker.js');
  }

  /** Runs a demo-worker command in `host`'s namespace. */
  worker(host: DemoHost, name: string, args: readonly string[]): Actor {
    return this.command(host, name, [this.nodeBin, this.workerPath, ...args]);
  }

  /** Runs any command in `host`'s namespace (e.g. the reverse shell, tcpdump). */
  command(host: DemoHost, name: string, argv: readonly string[]): Actor {
    const child = spawn('ip', ['netns', 'exec', host.netns, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      throw new OmegaError(Code.Internal, `demo: could not start ${name} in ${host.netns}`);
    }
    this.children.add(child);
    const reports: ActorReport[] = [];
    const lines: string[] = [];
    const waiters: { event: string; resolve: (r: ActorReport) => void }[] = [];
    child.stdout.on(
      'data',
      lineSplitter((line) => {
        let report: ActorReport;
        try {
          report = JSON.parse(line) as ActorReport;
        } catch {
          lines.push(line);
          this.log(`${name}: ${line}`);
          return;
        }
        reports.push(report);
        for (const waiter of waiters.filter((w) => w.event === report.event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(report);
        }
      }),
    );
    child.stderr.on(
      'data',
      lineSplitter((line) => this.log(`${name}: ${line}`)),
    );
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        resolve(signal ?? `exit ${String(code)}`);
      }),
    );
    return {
      name,
      pid: child.pid,
      reports,
      lines,
      exited,
      waitFor: (event, timeoutMs) => {
        const earlier = reports.find((r) => r.event === event);
        if (earlier) return Promise.resolve(earlier);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(
              new OmegaError(
                Code.DeadlineExceeded,
                `demo: ${name} did not report '${event}' within ${timeoutMs} ms`,
              ),
            );
          }, timeoutMs);
          waiters.push({
            event,
            resolve: (r) => {
              clearTimeout(timer);
              resolve(r);
            },
          });
          void exited.then((how) => {
            clearTimeout(timer);
            reject(
              new OmegaError(
                Code.Aborted,
                `demo: ${name} ended (${how}) before reporting '${event}'`,
              ),
            );
          });
        });
      },
    };
  }

  /** Stops every actor still running: SIGTERM, then SIGKILL after graceMs. */
  async stopAll(graceMs = 2_000): Promise<void> {
    const running = [...this.children];
    for (const child of running) child.kill('SIGTERM');
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
