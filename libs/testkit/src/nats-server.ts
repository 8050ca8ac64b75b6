// A real nats-server (JetStream on, loopback only, throwaway store) for tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

/** The nats-server release Omega is tested against; CI and `npm run setup` install exactly this. */
export const NATS_SERVER_VERSION = 'v2.12.15';

/** The one command that installs the pinned server where this kit looks first. */
export const NATS_SERVER_INSTALL_COMMAND =
  `GOBIN=$HOME/.cache/omega/nats-server-${NATS_SERVER_VERSION} ` +
  `go install github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}`;

export interface NatsServerOptions {
  /** Client port; by default the server picks a free one itself (no race with other workers). */
  port?: number;
  /** HTTP monitoring port (used for the readiness check); picked by the server by default. */
  monitorPort?: number;
  /** Enable JetStream (default true). `false` starts a core-NATS-only server. */
  jetstream?: boolean;
  /** JetStream store directory; by default a fresh temp dir that `stop()` removes. */
  storeDir?: string;
  /** Extra command-line arguments, appended last. */
  args?: string[];
  /** The nats-server binary; by default {@link findNatsServerBinary}. */
  binary?: string;
  /** How long to wait for the server to report healthy (default 15 000 ms). */
  readyTimeoutMs?: number;
}

export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:<monitorPort>` */
  readonly monitorUrl: string;
  /** JetStream store directory ('' when JetStream is off). Survives `restart()`. */
  readonly storeDir: string;
  /** The server's own version string, e.g. `2.12.15`. */
  readonly version: string;
  readonly binary: string;
  /** The server process id while it runs. */
  readonly pid: number | undefined;
  /** True between a successful start and `stop()` (or a crash). */
  readonly running: boolean;
  /** The last `lines` lines the server wrote to stderr (its log). */
  logTail(lines?: number): string;
  /** Stops the server and removes the temp store dir this kit created. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port with the same store dir. */
  restart(options?: { downtimeMs?: number }): Promise<void>;
}

/**
 * Where the nats-server binary is: `NATS_SERVER_BIN`, else the pinned build under
 * `~/.cache/omega/nats-server-<version>/`, else `nats-server` on PATH. Throws an OmegaError
 * (FailedPrecondition) that says how to install it when there is none.
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['NATS_SERVER_BIN'];
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new OmegaError(
      Code.FailedPrecondition,
      `NATS_SERVER_BIN=${explicit} is not an executable file; unset it or point it at a nats-server ` +
        `binary (install with: ${NATS_SERVER_INSTALL_COMMAND})`,
    );
  }
  // The same cache scripts/setup.mjs builds into (OMEGA_CACHE_DIR, else ~/.cache/omega).
  const cacheDir = env['OMEGA_CACHE_DIR'] ?? join(env['HOME'] ?? homedir(), '.cache', 'omega');
  const cached = join(cacheDir, `nats-server-${NATS_SERVER_VERSION}`, 'nats-server');
  if (isExecutable(cached)) return cached;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new OmegaError(
    Code.FailedPrecondition,
    `nats-server not found (looked at NATS_SERVER_BIN, ${cached} and PATH). Install the pinned ` +
      `${NATS_SERVER_VERSION} with:\n  ${NATS_SERVER_INSTALL_COMMAND}\nor run \`npm run setup\`.`,
  );
}

/** Starts a nats-server and resolves once its health endpoint says it (and JetStream) is ready. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = options.binary ?? findNatsServerBinary();
  const jetstream = options.jetstream ?? true;
  const workDir = await mkdtemp(join(tmpdir(), 'omega-nats-'));
  const storeDir = jetstream ? (options.storeDir ?? join(workDir, 'store')) : '';
  if (storeDir) await mkdir(storeDir, { recursive: true });
  const server = new NatsServerProcess(binary, workDir, storeDir, jetstream, options);
  try {
    await server.start(options.port ?? -1, options.monitorPort ?? -1);
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  return server;
}

const LOG_TAIL_BYTES = 64 * 1024;
const STOP_GRACE_MS = 10_000;
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

class NatsServerProcess implements NatsServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';
  private clientPort = 0;
  private httpPort = 0;
  private serverVersion = '';
  private readonly readyTimeoutMs: number;

  constructor(
    readonly binary: string,
    private readonly workDir: string,
    readonly storeDir: string,
    private readonly jetstream: boolean,
    private readonly options: NatsServerOptions,
  ) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.clientPort}`;
  }
  get port(): number {
    return this.clientPort;
  }
  get monitorUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }
  get version(): string {
    return this.serverVersion;
  }
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  logTail(lines = 40): string {
    return this.stderr
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  }

  async start(port: number, monitorPort: number): Promise<void> {
    installExitHook();
    const portsDir = join(this.workDir, `ports-${Date.now()}`);
    await mkdir(portsDir);
    const args = ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)];
    args.push('--ports_file_dir', portsDir);
    if (this.jetstream) args.push('-js', '-sd', this.storeDir);
    args.push(...(this.options.args ?? []));

    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    liveChildren.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        liveChildren.delete(child);
        resolve();
      });
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-LOG_TAIL_BYTES);
    });
    // Tests decide the server's lifetime; a forgotten one must not keep the test process alive.
    child.unref();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

    try {
      await this.waitUntilReady(portsDir, spawnError);
    } catch (err) {
      await this.kill();
      throw err;
    }
  }

  private async waitUntilReady(portsDir: string, spawnError: Promise<Error>): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    const describe = () =>
      `nats-server (${this.binary}) ${this.child?.spawnargs.slice(1).join(' ')}`;
    let spawnFailure: Error | undefined;
    void spawnError.then((err) => (spawnFailure = err));
    let lastProblem = 'no ports file yet';
    for (;;) {
      if (spawnFailure) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `cannot run ${describe()}: ${spawnFailure.message}`,
          { cause: spawnFailure },
        );
      }
      const child = this.child;
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        throw new OmegaError(
          Code.Unavailable,
          `${describe()} exited (${child.exitCode ?? child.signalCode}) before it was ready; ` +
            `its log ends with:\n${this.logTail(20)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new OmegaError(
          Code.DeadlineExceeded,
          `${describe()} was not ready within ${this.readyTimeoutMs} ms (${lastProblem}); ` +
            `its log ends with:\n${this.logTail(20)}`,
        );
      }
      try {
        if (this.clientPort === 0 || this.httpPort === 0) await this.readPortsFile(portsDir);
        const health = this.jetstream ? '/healthz?js-enabled-only=true' : '/healthz';
        const { status, body } = await getText(this.monitorUrl + health);
        if (status === 200) {
          const varz = JSON.parse((await getText(this.monitorUrl + '/varz')).body) as {
            version?: string;
          };
          this.serverVersion = varz.version ?? '';
          return;
        }
        lastProblem = `healthz answered ${status} ${body.trim()}`;
      } catch (err) {
        lastProblem = errorMessage(err);
      }
      await sleep(25);
    }
  }

  /** The server writes its bound ports to `<dir>/nats-server_<pid>.ports` once it listens. */
  private async readPortsFile(portsDir: string): Promise<void> {
    const files = (await readdir(portsDir)).filter((f) => f.endsWith('.ports'));
    if (files.length === 0) throw new Error('no ports file yet');
    const ports = JSON.parse(await readFile(join(portsDir, files[0] as string), 'utf8')) as {
      nats?: string[];
      monitoring?: string[];
    };
    this.clientPort = Number(new URL(ports.nats?.[0] ?? '').port);
    this.httpPort = Number(new URL(ports.monitoring?.[0] ?? '').port);
  }

  private async kill(): Promise<void> {
    const child = this.child;
    // No pid: spawning failed, so there is no process (and no 'exit' event) to wait for.
    if (!child || child.pid === undefined) return;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.kill();
    this.child = undefined;
    await rm(this.workDir, { recursive: true, force: true });
  }

  async restart(options: { downtimeMs?: number } = {}): Promise<void> {
    const { clientPort, httpPort } = this;
    await this.kill();
    this.stderr += `\n--- restarted by testkit on port ${clientPort} ---\n`;
    if (options.downtimeMs) await sleep(options.downtimeMs);
    await this.start(clientPort, httpPort);
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One GET without keep-alive, so no socket outlives the readiness check. */
function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
