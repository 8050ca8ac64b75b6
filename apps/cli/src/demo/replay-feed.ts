// Replay mode's sender: the recorded run (test-corpus/demo) decoded by the sentinel's own capture
// path (`omega-sentinel replay`, flows and DNS) plus the recorded process events, published to
// TELEMETRY as signed EventBatches the way the sentinel publishes them, under an identity trust
// issues for the victim's node. Each step's events keep their recorded spacing and are shifted so
// they happen now.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  identityNatsOptions,
  publish,
  subjects,
  type Bus,
  type MessageType,
} from '@omega/bus';
import { Event, EventBatch, EventClass } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import {
  bootstrapChannelCredentials,
  enroll,
  joinTokenFromFile,
  signEventBatch,
  type Credentials,
} from '@omega/trust-client';
import { CAPTURE_FILE, PROCESS_EVENTS_FILE } from './demo-recording';
import type { StepId } from './demo-scenario';
import { sleep } from './demo-state';
import { ATTACKER, DEMO_PORTS, VICTIM_NODE } from './demo-topology';

/** Longest pause kept between two recorded events (a quiet stretch is not worth waiting out). */
const MAX_GAP_MS = 3_000;
const BATCH_INTERVAL_MS = 100;

const KIND_OF_CLASS: Partial<Record<EventClass, string>> = {
  [EventClass.EVENT_CLASS_PROCESS_ACTIVITY]: 'process',
  [EventClass.EVENT_CLASS_NETWORK_ACTIVITY]: 'network',
  [EventClass.EVENT_CLASS_DNS_ACTIVITY]: 'dns',
};

/** Which step of the scenario a recorded event belongs to, by what it is about. */
export function stepOfEvent(event: Event): StepId | undefined {
  if (event.classUid === EventClass.EVENT_CLASS_PROCESS_ACTIVITY) return 'reverse-shell';
  if (event.classUid === EventClass.EVENT_CLASS_DNS_ACTIVITY) return 'dns-tunnel';
  if (event.classUid !== EventClass.EVENT_CLASS_NETWORK_ACTIVITY) return undefined;
  const ports = [event.srcEndpoint?.port, event.dstEndpoint?.port];
  const addresses = [event.srcEndpoint?.ip, event.dstEndpoint?.ip];
  if (ports.includes(DEMO_PORTS.reverseShell)) return 'reverse-shell';
  // The scan's probes may hit any port (53 among them): the attacker's address decides first.
  if (addresses.includes(ATTACKER.address)) return 'scan';
  if (ports.includes(DEMO_PORTS.beacon)) return 'beacon';
  if (ports.includes(DEMO_PORTS.dns)) return 'dns-tunnel';
  return undefined;
}

export class ReplayFeed {
  private credentials: Credentials | undefined;
  private ownBus: Bus | undefined;
  private bus: Bus | undefined;
  private readonly sessionId = randomUUID();
  private sequence = 0n;

  private constructor(
    private readonly eventsByStep: Map<StepId, Event[]>,
    readonly source: string,
  ) {}

  /** Decodes the capture with `omega-sentinel replay` and reads the process events. */
  static async load(dir: string, root: string, nodeBin: string): Promise<ReplayFeed> {
    const capture = join(dir, CAPTURE_FILE);
    const sentinel = join(root, 'apps', 'sentinel', 'dist', 'main.js');
    let stdout: string;
    // stdout goes to a file: `omega-sentinel replay` exits right after writing, and output still
    // queued for a pipe at exit is lost (a file is written synchronously).
    const outDir = await mkdtemp(join(tmpdir(), 'omega-demo-replay-'));
    try {
      const outFile = join(outDir, 'events.ndjson');
      const out = await open(outFile, 'w');
      try {
        await runToFile(nodeBin, [sentinel, 'replay', capture], out.fd);
      } finally {
        await out.close();
      }
      stdout = await readFile(outFile, 'utf8');
    } catch (err) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `omega-sentinel replay ${capture} failed: ${errorMessage(err)}`,
        { cause: err },
      );
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
    const events = [
      ...parseEventLines(stdout, `omega-sentinel replay ${capture}`),
      ...parseEventLines(
        await readFile(join(dir, PROCESS_EVENTS_FILE), 'utf8'),
        join(dir, PROCESS_EVENTS_FILE),
      ),
    ];
    const byStep = new Map<StepId, Event[]>();
    for (const event of events) {
      const step = stepOfEvent(event);
      if (!step) continue;
      let list = byStep.get(step);
      if (!list) byStep.set(step, (list = []));
      list.push(event);
    }
    for (const list of byStep.values())
      list.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
    return new ReplayFeed(byStep, dir);
  }

  /** The recorded events of one step, in time order. */
  eventsOf(step: StepId): readonly Event[] {
    return this.eventsByStep.get(step) ?? [];
  }

  /**
   * Enrolls with trust as the victim's sentinel (the join token the demo's stack minted for it).
   * On a secure stack (`secure` given) it enrolls over TLS and publishes on its own bus connection
   * as that sentinel, as the bus permission table requires; otherwise on `bus`.
   */
  async connect(
    bus: Bus,
    joinTokensFile: string,
    trustAddress: string,
    secure?: { caPem: string; natsUrl: string },
  ): Promise<void> {
    const token = joinTokenFromFile(
      await readFile(joinTokensFile, 'utf8'),
      'sentinel',
      VICTIM_NODE,
    );
    if (!token) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${joinTokensFile} has no join token for sentinel/${VICTIM_NODE}`,
      );
    }
    const credentials = await enroll({
      trustAddress,
      subjectKind: 'sentinel',
      name: VICTIM_NODE,
      joinToken: token,
      ...(secure ? { channelCredentials: bootstrapChannelCredentials(secure.caPem) } : {}),
    });
    this.credentials = credentials;
    if (!secure) {
      this.bus = bus;
      return;
    }
    const client = {
      certificatePem: credentials.certificateChainPem,
      privateKeyPem: credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    this.ownBus = await connectBus({
      servers: secure.natsUrl,
      name: `omega-demo-replay-${VICTIM_NODE}`,
      logger: bus.logger,
      natsOptions: identityNatsOptions({
        caPem: secure.caPem,
        identity: { kind: 'sentinel', name: VICTIM_NODE },
        clientCertificate: () => client,
      }),
    });
    this.bus = this.ownBus;
  }

  /** Publishes one step's recorded events, spaced as recorded, timed from now. */
  async playStep(step: StepId, signal: AbortSignal | undefined): Promise<string> {
    const events = this.eventsByStep.get(step) ?? [];
    if (events.length === 0) return `replay: the recording has no events for step ${step}`;
    const firstNs = events[0]!.timeNs;
    const startMs = Date.now();
    const startNs = BigInt(startMs) * 1_000_000n;
    const pending = new Map<string, Event[]>();
    let lastFlushMs = Date.now();
    let elapsedMs = 0;
    let previousNs = firstNs;
    const counts = new Map<string, number>();
    for (const event of events) {
      elapsedMs += Math.min(MAX_GAP_MS, Number(event.timeNs - previousNs) / 1e6);
      previousNs = event.timeNs;
      const dueMs = startMs + elapsedMs;
      if (dueMs > Date.now() + BATCH_INTERVAL_MS) {
        // A pause: what is pending goes out now, as the sentinel's flush timer would send it.
        await this.flush(pending);
        lastFlushMs = Date.now();
      }
      if (dueMs > Date.now()) await sleep(dueMs - Date.now(), signal);
      if (signal?.aborted) throw new OmegaError(Code.Aborted, 'demo stopped');
      const kind = KIND_OF_CLASS[event.classUid] ?? 'other';
      // Recorded at firstNs + (its offset); replayed at now + the same offset (long gaps shortened).
      const replayedNs = startNs + BigInt(Math.round(elapsedMs * 1e6));
      const shifted = shiftEvent(event, replayedNs - event.timeNs);
      pending.set(kind, [...(pending.get(kind) ?? []), shifted]);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      if (Date.now() - lastFlushMs >= BATCH_INTERVAL_MS) {
        await this.flush(pending);
        lastFlushMs = Date.now();
      }
    }
    await this.flush(pending);
    return `replayed ${events.length} recorded events (${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}) as signed batches of sentinel/${VICTIM_NODE}`;
  }

  async close(): Promise<void> {
    this.bus = undefined;
    await this.ownBus?.drain();
    this.ownBus = undefined;
  }

  private async flush(pending: Map<string, Event[]>): Promise<void> {
    const bus = this.bus;
    const credentials = this.credentials;
    if (!bus || !credentials)
      throw new OmegaError(Code.FailedPrecondition, 'replay: connect() first');
    for (const [kind, events] of pending) {
      if (events.length === 0) continue;
      this.sequence++;
      const batch = EventBatch.fromPartial({
        sender: { id: credentials.subject, keyId: credentials.signer.keyId },
        sessionId: this.sessionId,
        sequence: this.sequence,
        createdTimeNs: BigInt(Date.now()) * 1_000_000n,
        events,
      });
      const signed = signEventBatch(credentials.signer, batch);
      await publish(bus, subjects.telemetry(kind, VICTIM_NODE), signedBytesOf(signed), batch, {
        msgId: `${credentials.subject}:${this.sessionId}:${this.sequence}`,
      });
    }
    pending.clear();
  }
}

/** Runs `argv` with stdout on `fd`; rejects with its stderr when it exits non-zero. */
function runToFile(nodeBin: string, args: string[], fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, args, {
      env: { ...process.env, NODE_NAME: VICTIM_NODE },
      stdio: ['ignore', fd, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(stderr.trim() || `exited with ${signal ?? `code ${String(code)}`}`));
    });
  });
}

function parseEventLines(text: string, where: string): Event[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => {
      try {
        return Event.fromJSON(JSON.parse(line));
      } catch (err) {
        throw new OmegaError(
          Code.InvalidArgument,
          `${where}: line ${i + 1}: not an Event: ${(err as Error).message}`,
        );
      }
    });
}

/** The event moved by `shiftNs`: its time and its flow interval. */
function shiftEvent(event: Event, shiftNs: bigint): Event {
  const shifted: Event = { ...event, timeNs: event.timeNs + shiftNs };
  if (event.payload?.$case === 'networkActivity' && event.payload.value.interval) {
    const { interval } = event.payload.value;
    shifted.payload = {
      $case: 'networkActivity',
      value: {
        ...event.payload.value,
        interval: {
          startTimeNs: interval.startTimeNs > 0n ? interval.startTimeNs + shiftNs : 0n,
          endTimeNs: interval.endTimeNs > 0n ? interval.endTimeNs + shiftNs : 0n,
        },
      },
    };
  }
  return shifted;
}

/** A MessageType whose encoding is the signed bytes as produced (never a re-encoding). */
function signedBytesOf(signed: Uint8Array): MessageType<EventBatch> {
  return {
    $type: EventBatch.$type,
    encode: () => ({ finish: () => signed }),
    decode: EventBatch.decode,
  };
}
