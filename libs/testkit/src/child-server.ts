// One server process a test started: spawned detached from the test's event loop, its output kept
// as a bounded tail for error messages, killed when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { Code, OmegaError } from '@omega/runtime';

const LOG_TAIL_BYTES = 64 * 1024;
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A server a test forgot to stop must not outlive the test process. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

export class ChildServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private spawnFailure: Error | undefined;

  constructor(
    /** What error messages call it, e.g. `kube-apiserver`. */
    readonly name: string,
    readonly binary: string,
    readonly args: readonly string[],
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  start(): void {
    installExitHook();
    const child = spawn(this.binary, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    liveChildren.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        liveChildren.delete(child);
        resolve();
      });
    });
    child.once('error', (err) => (this.spawnFailure = err));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.output = (this.output + chunk).slice(-LOG_TAIL_BYTES);
      });
      // Tests decide the server's lifetime; a forgotten one must not keep the test process alive.
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.unref();
  }

  /** Throws an OmegaError naming the binary when the process could not start or has exited. */
  assertAlive(): void {
    if (this.spawnFailure) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `cannot run ${this.name} (${this.binary}): ${this.spawnFailure.message}`,
        { cause: this.spawnFailure },
      );
    }
    const child = this.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new OmegaError(
        Code.Unavailable,
        `${this.name} (${this.binary}) exited (${child.exitCode ?? child.signalCode}) before it ` +
          `was ready; its log ends with:\n${this.logTail(20)}`,
      );
    }
  }

  logTail(lines = 40): string {
    return this.output
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    // No pid: spawning failed, so there is no process (and no 'exit' event) to wait for.
    if (!child || child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = undefined;
  }
}
