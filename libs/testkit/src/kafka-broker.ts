// A real single-node Apache Kafka broker in KRaft mode (broker + controller in one JVM, loopback
// only, throwaway log dir) for tests and benchmarks, run from the jars scripts/kafka-setup.mjs caches.
// Over 400 lines on purpose: one broker process's whole lifecycle (config, TLS and SASL listeners, start, restart, stop).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { freePort } from './free-port';
import { KAFKA_SETUP_COMMAND, KAFKA_VERSION, findJava, kafkaLibsDir } from './kafka-install';
import { saslProperties } from './kafka-sasl';
import { createTestCertificates } from './kafka-tls';

export {
  KAFKA_SCALA_VERSION,
  KAFKA_SETUP_COMMAND,
  KAFKA_VERSION,
  findJava,
  kafkaLibsDir,
} from './kafka-install';

export interface KafkaBrokerOptions {
  /** Client (PLAINTEXT) port; a free one by default. */
  port?: number;
  /** KRaft controller port; a free one by default. */
  controllerPort?: number;
  /** Extra or overriding server.properties entries, e.g. `{ 'num.partitions': '3' }`. */
  properties?: Record<string, string>;
  /**
   * Also listen with SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512) on another free
   * port, for these users (name → password); see `saslBrokers`.
   */
  sasl?: { users: Record<string, string> };
  /**
   * Also listen with TLS (SSL) on another free port, with a certificate for 127.0.0.1 signed by a
   * throwaway CA (made with openssl); see `tlsBrokers` and `tlsCaPem`.
   */
  tls?: boolean;
  /** JVM heap ceiling in MiB (default 512: the machine is shared). */
  heapMb?: number;
  /** How long to wait for the broker to accept clients (default 60 000 ms). */
  readyTimeoutMs?: number;
}

export interface KafkaBroker {
  /** Bootstrap addresses for a client: `['127.0.0.1:<port>']`. */
  readonly brokers: string[];
  /** Bootstrap addresses of the SASL_PLAINTEXT listener (empty unless `sasl` was given). */
  readonly saslBrokers: string[];
  /** Bootstrap addresses of the TLS listener (empty unless `tls` was given). */
  readonly tlsBrokers: string[];
  /** The CA certificate (PEM) that signed the TLS listener's certificate ('' without `tls`). */
  readonly tlsCaPem: string;
  readonly port: number;
  /** The log (data) dir; survives `restart()`, removed by `stop()`. */
  readonly logDir: string;
  /** `3.9.1` */
  readonly version: string;
  /** The JVM's process id while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** The last `lines` lines of the broker's log. */
  logTail(lines?: number): string;
  /** Stops the broker (SIGTERM, then SIGKILL after a grace period) and removes its temp dirs. */
  stop(): Promise<void>;
  /** Stops the broker and starts it again on the same ports with the same data. */
  restart(options?: { downtimeMs?: number; signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
}

/** Starts a broker and resolves once it accepts Kafka clients on `brokers[0]`. */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const libsDir = kafkaLibsDir();
  if (!existsSync(join(libsDir, '..', '.complete'))) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `Kafka ${KAFKA_VERSION} jars are not in ${libsDir}; fetch them once with ` +
        `\`${KAFKA_SETUP_COMMAND}\` (or \`npm run setup\`); it needs Java 17 and Maven`,
    );
  }
  const java = findJava();
  const workDir = await mkdtemp(join(tmpdir(), 'omega-kafka-'));
  // Ports picked here can be taken before the JVM binds them; then try again with fresh ones.
  const attempts = options.port === undefined || options.controllerPort === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const broker = new KafkaBrokerProcess(java, libsDir, workDir, options);
    try {
      await broker.format(
        options.port ?? (await freePort()),
        options.controllerPort ?? (await freePort()),
        options.sasl ? await freePort() : 0,
        options.tls ? await freePort() : 0,
      );
      await broker.start();
      return broker;
    } catch (err) {
      lastError = err;
      await broker.kill('SIGKILL');
      if (!/Address already in use|BindException/.test(broker.logTail(200))) break;
      await rm(join(workDir, 'data'), { recursive: true, force: true });
    }
  }
  await rm(workDir, { recursive: true, force: true });
  throw lastError;
}

const LOG_TAIL_BYTES = 128 * 1024;
const STOP_GRACE_MS = 15_000;
/** What KafkaRaftServer logs once the broker and controller both serve. */
const STARTED_LINE = 'Kafka Server started';
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A broker a test forgot to stop must not outlive the test process. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

const LOG4J_PROPERTIES = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  // The state-change and request loggers repeat every partition move; the log tail is for errors.
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.org.apache.kafka.clients=WARN',
  '',
].join('\n');

class KafkaBrokerProcess implements KafkaBroker {
  readonly version = KAFKA_VERSION;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log = '';
  private clientPort = 0;
  private saslPort = 0;
  private tlsPort = 0;
  private caPem = '';
  private readonly readyTimeoutMs: number;

  constructor(
    private readonly java: string,
    private readonly libsDir: string,
    private readonly workDir: string,
    private readonly options: KafkaBrokerOptions,
  ) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.clientPort}`];
  }
  get saslBrokers(): string[] {
    return this.saslPort ? [`127.0.0.1:${this.saslPort}`] : [];
  }
  get tlsBrokers(): string[] {
    return this.tlsPort ? [`127.0.0.1:${this.tlsPort}`] : [];
  }
  get tlsCaPem(): string {
    return this.caPem;
  }
  get port(): number {
    return this.clientPort;
  }
  get logDir(): string {
    return join(this.workDir, 'data');
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
    return this.log
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  }

  /** The log's errors (with their causes, without stack frames), then its last lines. */
  private failureReport(): string {
    const errors = [
      ...new Set(
        this.log
          .split('\n')
          .filter((line) =>
            /\] (?:ERROR|FATAL) |^Caused by: |^[\w.$]+(?:Exception|Error)\b/.test(line),
          ),
      ),
    ].slice(0, 12);
    const errorPart =
      errors.length > 0 ? `its errors:\n${errors.join('\n')}\n` : 'no ERROR lines; ';
    return `${errorPart}its log ends with:\n${this.logTail(10)}`;
  }

  private get propertiesFile(): string {
    return join(this.workDir, 'server.properties');
  }
  private get log4jFile(): string {
    return join(this.workDir, 'log4j.properties');
  }

  /** Writes server.properties and formats the log dir for a new one-node cluster. */
  async format(
    port: number,
    controllerPort: number,
    saslPort: number,
    tlsPort: number,
  ): Promise<void> {
    this.clientPort = port;
    this.saslPort = saslPort;
    this.tlsPort = tlsPort;
    const sasl = saslPort ? saslProperties(saslPort, this.options.sasl?.users ?? {}) : undefined;
    await mkdir(this.logDir, { recursive: true });
    const listeners = [`PLAINTEXT://127.0.0.1:${port}`];
    const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
    let extra: Record<string, string> = { ...sasl?.properties };
    if (sasl) {
      listeners.push(sasl.listener);
      protocols.push('SASL_PLAINTEXT:SASL_PLAINTEXT');
    }
    if (tlsPort) {
      const certificates = await createTestCertificates(this.workDir);
      this.caPem = certificates.caPem;
      listeners.push(`SSL://127.0.0.1:${tlsPort}`);
      protocols.push('SSL:SSL');
      extra = {
        ...extra,
        'listener.name.ssl.ssl.keystore.type': 'PEM',
        'listener.name.ssl.ssl.keystore.location': certificates.keystorePath,
      };
    }
    const properties: Record<string, string> = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      listeners: [...listeners, `CONTROLLER://127.0.0.1:${controllerPort}`].join(','),
      'advertised.listeners': listeners.join(','),
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': protocols.join(','),
      ...extra,
      'log.dirs': this.logDir,
      'num.partitions': '1',
      // One node: internal topics cannot have more replicas than that.
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      // Fewer internal partitions and no join delay: a first consumer group is ready in ~1 s.
      'offsets.topic.num.partitions': '4',
      'transaction.state.log.num.partitions': '4',
      'group.initial.rebalance.delay.ms': '0',
      // After a kill -9 the controller refuses the restarted broker until the old registration's
      // session expires (default 9 s, then backoff): keep that short for restart tests.
      'broker.session.timeout.ms': '2000',
      'broker.heartbeat.interval.ms': '500',
      'num.network.threads': '2',
      'num.io.threads': '2',
      ...this.options.properties,
    };
    await writeFile(
      this.propertiesFile,
      Object.entries(properties)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n') + '\n',
    );
    await writeFile(this.log4jFile, LOG4J_PROPERTIES);
    const clusterId = kafkaClusterId();
    const { code, output } = await this.runJava(
      [
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        this.propertiesFile,
        ...(sasl?.scramArgs ?? []),
      ],
      30_000,
    );
    if (code !== 0) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `kafka-storage format of ${this.logDir} failed (exit ${code}):\n${lastLines(output, 20)}`,
      );
    }
  }

  async start(): Promise<void> {
    installExitHook();
    const child = spawn(this.java, [...this.jvmArgs(), 'kafka.Kafka', this.propertiesFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    liveChildren.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        liveChildren.delete(child);
        resolve();
      });
    });
    let spawnFailure: Error | undefined;
    child.once('error', (err) => (spawnFailure = err));
    const append = (chunk: string) => {
      this.log = (this.log + chunk).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.setEncoding('utf8').on('data', append);
    child.stderr?.setEncoding('utf8').on('data', append);
    // Tests decide the broker's lifetime; a forgotten one must not keep the test process alive.
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

    const deadline = Date.now() + this.readyTimeoutMs;
    const startedAt = this.log.length;
    const describe = () => `Kafka ${KAFKA_VERSION} broker (${this.java} … kafka.Kafka)`;
    let lastProblem = `no "${STARTED_LINE}" in its log yet`;
    for (;;) {
      if (spawnFailure) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `cannot run ${describe()}: ${spawnFailure.message}`,
          { cause: spawnFailure },
        );
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new OmegaError(
          Code.Unavailable,
          `${describe()} exited (${child.exitCode ?? child.signalCode}) before it was ready; ` +
            this.failureReport(),
        );
      }
      if (Date.now() > deadline) {
        throw new OmegaError(
          Code.DeadlineExceeded,
          `${describe()} was not ready within ${this.readyTimeoutMs} ms (${lastProblem}); ` +
            this.failureReport(),
        );
      }
      if (this.log.indexOf(STARTED_LINE, startedAt) >= 0) {
        try {
          await tcpProbe(this.clientPort);
          return;
        } catch (err) {
          lastProblem = `port ${this.clientPort}: ${errorMessage(err)}`;
        }
      }
      await sleep(50);
    }
  }

  private jvmArgs(): string[] {
    const heapMb = this.options.heapMb ?? 512;
    return [
      `-Xmx${heapMb}m`,
      `-Xms${Math.min(heapMb, 128)}m`,
      // A test broker lives seconds to minutes: start fast rather than peak throughput.
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${this.log4jFile}`,
      '-cp',
      join(this.libsDir, '*'),
    ];
  }

  private runJava(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.java, [...this.jvmArgs(), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: timeoutMs,
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.once('error', (err) =>
        reject(
          new OmegaError(Code.FailedPrecondition, `cannot run ${this.java}: ${err.message}`, {
            cause: err,
          }),
        ),
      );
      child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
    });
  }

  async kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    // No pid: spawning failed, so there is no process (and no 'exit' event) to wait for.
    if (!child || child.pid === undefined) return;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.kill();
    this.child = undefined;
    await rm(this.workDir, { recursive: true, force: true });
  }

  async restart(
    options: { downtimeMs?: number; signal?: 'SIGTERM' | 'SIGKILL' } = {},
  ): Promise<void> {
    await this.kill(options.signal ?? 'SIGTERM');
    this.log += `\n--- restarted by testkit on port ${this.clientPort} ---\n`;
    if (options.downtimeMs) await sleep(options.downtimeMs);
    await this.start();
  }
}

function lastLines(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once a TCP connection to 127.0.0.1:port opens (and closes it). */
function tcpProbe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error('connect timed out')));
    socket.once('error', reject);
  });
}

/**
 * A Kafka cluster id: 16 random bytes in unpadded base64url, never starting with '-', which
 * kafka-storage's argument parser would take for an option (`-t -x…` fails with "expected one
 * argument"; 1 run in 64 did). Kafka's own Uuid.randomUuid() redraws such ids the same way.
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
