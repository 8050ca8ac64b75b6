// Runs the whole of Omega on one machine: a nats-server with its data under .omega/, then every
// service as a child process on its local ports, with readiness, prefixed logs and crash reports.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Code, OmegaError, errorMessage, type ServiceDefaults } from '@omega/runtime';
import { LOCAL_PORTS, SERVICE_NAMES, type ServiceName } from '@omega/service';
import { startNatsServer, type NatsServer } from '@omega/testkit';
import { assertPortsFree } from './free-ports';
import { formatLogLine, lineSplitter } from './log-lines';
import {
  OPERATOR,
  enrollOperator,
  operatorDir,
  readOperatorFiles,
  type OperatorFiles,
} from './operator-identity';
import type { StatusRow } from './status-table';
import { peerAddressEnv } from './stack-peers';
import { writeBusServerFiles, type BusServerFiles } from './stack-security';

export interface LocalStackOptions {
  /** Repository root: services run from apps/<name>/dist/main.js. */
  root: string;
  /** State of the local stack: nats-server's JetStream store (nats/) and trust's sealed keys (trust/keys/). */
  stateDir: string;
  /** Added to every default port, so two stacks (or a stack and a test run) can coexist. */
  portOffset: number;
  services: readonly ServiceName[];
  /** Every line the stack prints: logs, state changes, errors. */
  out: (line: string) => void;
  readyTimeoutMs: number;
  nodeBin: string;
  /**
   * Development only: plaintext gRPC and a bus that authenticates nobody. By default every gRPC
   * hop is mutual TLS 1.3 with per-method authorization, and every bus connection is TLS with a
   * trust-issued certificate, authorized by trust against the bus permission table.
   */
  insecurePlaintext?: boolean;
  /** Extra environment per service, over the stack's own (e.g. the demo's sentinel interfaces). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Further `<kind>/<name>` join tokens trust mints at start (e.g. the demo's replay sender). */
  extraJoinTokens?: readonly string[];
}

type ServiceState =
  'starting' | 'ready' | 'not ready' | 'stopping' | 'stopped' | 'exited' | 'crashed';

interface ManagedService {
  name: ServiceName;
  ports: ServiceDefaults;
  child: ChildProcess;
  state: ServiceState;
  exitCode: number | null;
  exited: Promise<void>;
}

export const DEFAULT_NATS_PORT = 4222;
/** Trust's tlog-tiles HTTP port (checkpoint, tiles, entry bundles) on one machine. */
export const DEFAULT_TLOG_PORT = 8081;

export class LocalStack {
  private nats: NatsServer | undefined;
  private busFiles: BusServerFiles | undefined;
  private stopOperator: (() => void) | undefined;
  private readonly running = new Map<ServiceName, ManagedService>();
  private stopping = false;
  private readonly prefixWidth = Math.max(...SERVICE_NAMES.map((n) => n.length), 'nats'.length);

  constructor(private readonly options: LocalStackOptions) {}

  get natsUrl(): string | undefined {
    return this.nats?.url;
  }

  /** nats-server's HTTP monitoring endpoint (/varz, /jsz, ...), once started. */
  get natsMonitorUrl(): string | undefined {
    return this.nats?.monitorUrl;
  }

  portsOf(name: ServiceName): ServiceDefaults {
    const base = LOCAL_PORTS[name];
    return {
      grpcPort: base.grpcPort + this.options.portOffset,
      httpPort: base.httpPort + this.options.portOffset,
    };
  }

  /** Where trust writes the join tokens it mints at start (`<kind>/<name> <token> <expires>`). */
  get joinTokensPath(): string {
    return this.joinTokensFile;
  }

  get tlogPort(): number {
    return DEFAULT_TLOG_PORT + this.options.portOffset;
  }

  /** Starts nats-server and every service, and waits until each reports ready. */
  async start(): Promise<void> {
    const natsPort = DEFAULT_NATS_PORT + this.options.portOffset;
    await assertPortsFree([
      { port: natsPort, what: 'nats-server' },
      ...this.options.services.flatMap((name) => {
        const p = this.portsOf(name);
        return [
          { port: p.grpcPort, what: `${name} gRPC` },
          { port: p.httpPort, what: `${name} metrics/health` },
          ...(name === 'trust' ? [{ port: this.tlogPort, what: 'trust tlog HTTP' }] : []),
        ];
      }),
    ]);
    const storeDir = join(this.options.stateDir, 'nats');
    let natsArgs: string[] = [];
    if (this.secure) {
      this.busFiles = await this.setUpBus();
      natsArgs = ['-c', this.busFiles.configFile];
    } else {
      this.say(
        'omega',
        '!!! INSECURE PLAINTEXT MODE: no TLS, no authentication, no authorization; any local process can read and write the bus and call every service. For development only.',
      );
    }
    this.say('nats', `starting nats-server on port ${natsPort}, data in ${storeDir}`);
    this.nats = await startNatsServer({ port: natsPort, storeDir, args: natsArgs });
    this.say(
      'nats',
      `ready at ${this.nats.url}${this.secure ? ' (TLS, clients authorized by trust)' : ''}`,
    );

    // Services enroll with tokens trust writes on start; last run's (used) file must not be read.
    await rm(this.joinTokensFile, { force: true });
    for (const name of this.options.services) this.spawnService(name, this.nats.url);
    await Promise.all(this.options.services.map((name) => this.waitReady(name)));
    if (this.secure && this.options.services.includes('trust') && this.busFiles) {
      await this.enrollOperator(this.busFiles.caFile);
    }
  }

  /** Mutual TLS and an authenticated bus (the default). */
  get secure(): boolean {
    return this.options.insecurePlaintext !== true;
  }

  /** The operator's credential files (`<state>/operator/`), once the stack has enrolled it. */
  async operatorFiles(): Promise<OperatorFiles | undefined> {
    return this.secure ? readOperatorFiles(this.options.stateDir) : undefined;
  }

  private async setUpBus(): Promise<BusServerFiles> {
    const files = await writeBusServerFiles({
      nodeBin: this.options.nodeBin,
      root: this.options.root,
      keyDir: this.trustKeyDir,
      outDir: join(this.options.stateDir, 'nats-auth'),
    });
    this.say('nats', `TLS and authorization by trust (${files.configFile})`);
    return files;
  }

  private async enrollOperator(caFile: string): Promise<void> {
    try {
      const operator = await enrollOperator({
        dataDir: this.options.stateDir,
        joinTokensFile: this.joinTokensFile,
        trustAddress: `127.0.0.1:${this.portsOf('trust').grpcPort}`,
        caPem: await readFile(caFile, 'utf8'),
        onError: (message) => this.say('omega', `operator credential: ${message}`),
      });
      this.stopOperator = () => operator.stop();
      this.say(
        'omega',
        `operator/cli enrolled; the CLI uses ${operatorDir(this.options.stateDir)} (mutual TLS, bus as an operator)`,
      );
    } catch (err) {
      this.say('omega', `✗ could not enroll operator/cli: ${errorMessage(err)}`);
    }
  }

  status(): StatusRow[] {
    const rows: StatusRow[] = [];
    if (this.nats) {
      rows.push({
        name: 'nats',
        pid: this.nats.pid,
        ports: `client ${this.nats.port}`,
        state: this.nats.running ? 'running' : 'stopped',
      });
    }
    for (const svc of this.running.values()) {
      const state =
        svc.state === 'crashed' || svc.state === 'exited'
          ? `${svc.state} (exit ${String(svc.exitCode ?? svc.child.signalCode)})`
          : svc.state;
      rows.push({
        name: svc.name,
        pid: svc.child.pid,
        ports:
          `grpc ${svc.ports.grpcPort}, metrics ${svc.ports.httpPort}` +
          (svc.name === 'trust' ? `, tlog ${this.tlogPort}` : ''),
        state,
      });
    }
    return rows;
  }

  /** Services that exited without being asked to. */
  crashed(): ServiceName[] {
    return [...this.running.values()]
      .filter((s) => s.state === 'crashed' || s.state === 'exited')
      .map((s) => s.name);
  }

  /** The child process of a running service, for signals and tests. */
  processOf(name: ServiceName): ChildProcess | undefined {
    return this.running.get(name)?.child;
  }

  /**
   * Kills one service with `signal` (default SIGKILL: no clean shutdown), starts it again on the
   * same state and waits until it is ready (a restart and crash drill).
   */
  async restartService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const svc = this.running.get(name);
    if (!svc || !this.nats) throw new OmegaError(Code.FailedPrecondition, `${name} is not running`);
    this.say(name, `restarting (${signal})`);
    svc.child.kill(signal);
    await svc.exited;
    this.spawnService(name, this.nats.url);
    await this.waitReady(name);
  }

  /** Stops every service (SIGTERM, then SIGKILL past the grace period) and then nats-server. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopOperator?.();
    const alive = [...this.running.values()].filter(
      (s) => s.child.exitCode === null && s.child.signalCode === null,
    );
    for (const svc of alive) {
      svc.state = 'stopping';
      svc.child.kill('SIGTERM');
    }
    await Promise.all(
      alive.map(async (svc) => {
        const timer = setTimeout(() => {
          this.say(svc.name, `did not stop within ${graceMs} ms; killing`);
          svc.child.kill('SIGKILL');
        }, graceMs);
        await svc.exited;
        clearTimeout(timer);
      }),
    );
    if (this.nats) {
      await this.nats.stop();
      this.say('nats', 'stopped');
    }
  }

  private spawnService(name: ServiceName, natsUrl: string): void {
    const ports = this.portsOf(name);
    const entry = join(this.options.root, 'apps', name, 'dist', 'main.js');
    const child = spawn(this.options.nodeBin, [entry], {
      cwd: this.options.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OMEGA_GRPC_HOST: '127.0.0.1',
        OMEGA_GRPC_PORT: String(ports.grpcPort),
        OMEGA_HTTP_HOST: '127.0.0.1',
        OMEGA_HTTP_PORT: String(ports.httpPort),
        OMEGA_NATS_SERVERS: natsUrl,
        ...this.serviceEnv(name),
        ...this.options.serviceEnv?.[name],
      },
    });
    const prefix = name.padEnd(this.prefixWidth);
    child.stdout?.on(
      'data',
      lineSplitter((line) => this.options.out(formatLogLine(prefix, line))),
    );
    child.stderr?.on(
      'data',
      lineSplitter((line) => this.options.out(formatLogLine(prefix, line))),
    );
    const managed: ManagedService = {
      name,
      ports,
      child,
      state: 'starting',
      exitCode: null,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    child.once('error', (err) => this.say(name, `could not start: ${err.message}`));
    child.once('exit', (code, signal) => {
      managed.exitCode = code;
      if (this.stopping) {
        managed.state = 'stopped';
        this.say(name, `stopped (${signal ?? `exit ${String(code)}`})`);
      } else if (code === 0) {
        managed.state = 'exited';
        this.say(name, '✗ exited (code 0) without being asked to stop');
      } else {
        managed.state = 'crashed';
        this.say(
          name,
          `✗ CRASHED: exited with ${signal ?? `code ${String(code)}`}; see its log above`,
        );
      }
    });
    this.running.set(name, managed);
  }

  private get trustKeyDir(): string {
    return join(this.options.stateDir, 'trust', 'keys');
  }

  private get joinTokensFile(): string {
    return join(this.trustKeyDir, 'join-tokens');
  }

  /**
   * Identity settings, and those only one service has, under the stack's state directory and port
   * offset. With trust in the stack, trust mints a join token per service at start and every other
   * service enrolls with its own.
   */
  private serviceEnv(name: ServiceName): Record<string, string> {
    const withTrust = this.options.services.includes('trust');
    const tls: Record<string, string> = this.secure
      ? {
          OMEGA_TLS_ENABLED: 'true',
          OMEGA_NATS_AUTH: 'identity',
          ...(this.busFiles ? { OMEGA_ENROLLMENT_TRUST_CA_FILE: this.busFiles.caFile } : {}),
        }
      : {};
    if (name === 'trust') {
      return {
        ...tls,
        OMEGA_TRUST_KEY_DIR: this.trustKeyDir,
        OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
        OMEGA_TRUST_TLOG_PORT: String(this.tlogPort),
        OMEGA_IDENTITY_JOIN_TOKENS_FILE: this.joinTokensFile,
        // Clients outside the mesh (grpcurl, grpcio, grpc-go) check the name they dialled.
        OMEGA_IDENTITY_SERVER_NAMES: JSON.stringify({
          'service/gateway': ['localhost', '127.0.0.1', '::1'],
        }),
        OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: [
          ...this.options.services.filter((n) => n !== 'trust').map((n) => `service/${n}`),
          'sentinel/*',
          ...(this.secure ? [`${OPERATOR.kind}/${OPERATOR.name}`] : []),
          ...(this.options.extraJoinTokens ?? []),
        ].join(','),
      };
    }
    const peers = peerAddressEnv(name, (peer) => this.portsOf(peer));
    if (!withTrust) return peers;
    return {
      ...peers,
      ...tls,
      // A restarted service renews the credential it kept instead of needing a new join token.
      OMEGA_ENROLLMENT_STATE_DIR: join(this.options.stateDir, name, 'identity'),
      OMEGA_ENROLLMENT_MODE: 'join-token',
      OMEGA_ENROLLMENT_TRUST_ADDRESS: `127.0.0.1:${this.portsOf('trust').grpcPort}`,
      OMEGA_ENROLLMENT_JOIN_TOKEN_FILE: this.joinTokensFile,
    };
  }

  private async waitReady(name: ServiceName): Promise<void> {
    const svc = this.running.get(name);
    if (!svc) return;
    const url = `http://127.0.0.1:${svc.ports.httpPort}/readyz`;
    const deadline = Date.now() + this.options.readyTimeoutMs;
    let lastReason = 'no answer yet';
    while (Date.now() < deadline) {
      if (svc.state === 'crashed' || svc.state === 'exited' || this.stopping) return;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        const body = await res.text();
        if (res.ok) {
          svc.state = 'ready';
          return;
        }
        lastReason = `HTTP ${res.status}: ${body}`;
      } catch (err) {
        lastReason = errorMessage(err);
      }
      await delay(250);
    }
    svc.state = 'not ready';
    this.say(name, `not ready after ${this.options.readyTimeoutMs} ms (${url}: ${lastReason})`);
  }

  private say(name: string, message: string): void {
    this.options.out(`${name.padEnd(this.prefixWidth)} ${message}`);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
