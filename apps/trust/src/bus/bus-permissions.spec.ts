// The bus permission table against a real nats-server configured
// by trust's bus setup, with trust (built, as it ships) answering the authorization callout, and
// real certificates enrolled from it. Each identity tries each operation; the expected outcome of
// every pair is written out below by hand (docs/bus-permissions.md), not derived from the table.
import 'reflect-metadata';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import {
  connectBus,
  identityNatsOptions,
  provision,
  type Bus,
  type BusClientCertificate,
  type ResourceSelection,
} from '@omega/bus';
import { createLogger } from '@omega/runtime';
import { startNatsServer, startTrust, type NatsServer, type TrustProcess } from '@omega/testkit';
import {
  enroll,
  joinTokenFromFile,
  renew,
  type Credentials,
  type SubjectKind,
} from '@omega/trust-client';
import { writeBusServerConfig } from './bus-server-config';
import { trustBusAuthentication } from './bus-keys';
import { trustServiceConfigSchema } from '../trust-config';

jest.setTimeout(180_000);

const logger = createLogger({ service: 'bus-permissions-spec', level: 'silent' });

/** Who connects in this spec, and the resources each provisions as its service does. */
const IDENTITIES: Record<string, ResourceSelection> = {
  'service/trust': {},
  'service/intelligence': {
    streams: ['TELEMETRY', 'ALERTS', 'DECEPTION', 'DLQ'],
    kv: ['omega_identities', 'omega_policy'],
  },
  'service/orchestrator': {
    streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'],
    kv: ['omega_policy', 'omega_playbooks'],
  },
  'service/deception': {
    streams: ['DECEPTION', 'DLQ'],
    kv: ['omega_decoys', 'omega_tokens', 'omega_policy'],
  },
  'service/twin': { streams: ['TELEMETRY', 'ALERTS'], kv: ['omega_twin'] },
  'service/gateway': { streams: ['ALERTS'], kv: ['omega_gateway_tokens'] },
  'sentinel/node-a': {
    streams: ['TELEMETRY', 'DECEPTION', 'DLQ'],
    kv: ['omega_policy'],
    objectStores: ['omega_modules'],
  },
  'operator/alice': {},
};
const ALL = Object.keys(IDENTITIES);

/** Operation → the identities that may do it. Everyone else must be refused. */
const EXPECTED: Record<string, readonly string[]> = {
  'publish omega.alerts.high': ['service/intelligence'],
  'publish omega.audit.leaves': ['service/trust'],
  'publish omega.audit.checkpoints': ['service/trust'],
  'publish omega.telemetry.process.node-a': ['sentinel/node-a'],
  'publish omega.telemetry.process.node-b': [],
  'publish omega.tasks.block-ip': ['service/orchestrator'],
  'publish omega.wf.wf-1': ['service/orchestrator'],
  'publish omega.deception.ssh-decoy': ['service/deception'],
  'publish omega.deception.canary': ['service/deception'],
  'publish omega.deception.kube-audit': ['service/deception'],
  'publish omega.deception.kube-token': ['service/deception'],
  'publish omega.deception.dns': ['service/deception'],
  'publish omega.deception.file.node-a': ['service/deception', 'sentinel/node-a'],
  'publish omega.deception.file.node-b': ['service/deception'],
  'kv put omega_policy detection.rules': ['service/intelligence'],
  'kv put omega_policy block.all.10.0.0.0/8': ['service/orchestrator'],
  'kv put omega_policy block.node-a.10.0.0.1/32': ['service/orchestrator', 'sentinel/node-a'],
  'kv put omega_policy filewatch.all.0123456789abcdef': ['service/deception'],
  'kv put omega_policy filewatch.node-a.0123456789abcdef': ['service/deception'],
  'kv put omega_policy module.crypto-miner': ['operator/alice'],
  'kv put omega_identities forged': ['service/trust'],
  'kv put omega_playbooks forged': ['service/orchestrator'],
  'kv put omega_decoys forged': ['service/deception'],
  'kv put omega_gateway_tokens forged': ['service/gateway'],
  'kv put omega_twin flow.forged': ['service/twin'],
  'kv get omega_decoys forged': ['service/deception', 'service/twin', 'operator/alice'],
  'read ALERTS': [
    'service/intelligence',
    'service/orchestrator',
    'service/twin',
    'service/gateway',
    'operator/alice',
  ],
  'read AUDIT': ['service/trust', 'operator/alice'],
  'read DECEPTION': ['service/intelligence', 'service/deception', 'operator/alice'],
  'read TASKS': ['service/orchestrator'],
  'read TELEMETRY': ['service/intelligence', 'service/twin', 'operator/alice'],
  'kv get omega_identities trust-ca': ALL,
  'update stream AUDIT': ['service/trust'],
  'update stream ALERTS': ['service/intelligence'],
  'delete stream ALERTS': [],
  'purge stream AUDIT': [],
  'subscribe $SYS.REQ.USER.AUTH': ['service/trust'],
  'subscribe >': [],
  'subscribe _INBOX_service_intelligence.x': ['service/intelligence'],
  'subscribe omega.alerts.>': [
    'service/intelligence',
    'service/orchestrator',
    'service/twin',
    'service/gateway',
    'operator/alice',
  ],
  'subscribe omega.audit.checkpoints': ['service/trust', 'operator/alice'],
  'subscribe omega.tasks.>': ['service/orchestrator'],
  'subscribe omega.deception.file.*': [
    'service/intelligence',
    'service/deception',
    'operator/alice',
  ],
};

let dir: string;
let nats: NatsServer;
let trust: TrustProcess;
let caPem: string;
const buses = new Map<string, Bus>();

async function identityBus(
  who: string,
  certificate: BusClientCertificate | (() => BusClientCertificate),
  seed?: Uint8Array,
) {
  const [kind, name] = who.split('/') as [SubjectKind, string];
  return connectBus({
    servers: nats.url,
    name: who,
    logger,
    requestTimeoutMs: 2_000,
    initialRetry: { firstDelayMs: 100, maxDelayMs: 100 },
    natsOptions: identityNatsOptions({
      caPem,
      identity: { kind, name },
      clientCertificate: typeof certificate === 'function' ? certificate : () => certificate,
      ...(seed ? { nkeySeed: seed } : {}),
    }),
  });
}

async function enrolled(
  who: string,
  ttlSeconds?: number,
): Promise<BusClientCertificate & { identityId: string; credentials: Credentials }> {
  const [kind, name] = who.split('/') as [SubjectKind, string];
  const tokens = readFileSync(join(dir, 'keys', 'join-tokens'), 'utf8');
  const joinToken = joinTokenFromFile(tokens, kind, name);
  if (joinToken === undefined) throw new Error(`no join token for ${who}`);
  const credentials = await enroll({
    trustAddress: trust.address,
    subjectKind: kind,
    name,
    joinToken,
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  });
  return {
    credentials,
    identityId: credentials.identity.id,
    certificatePem: credentials.certificateChainPem,
    privateKeyPem: credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Runs one operation; 'allowed' or the error it got. */
async function attempt(bus: Bus, operation: string): Promise<'allowed' | string> {
  const [verb, ...rest] = operation.split(' ');
  const arg = rest.join(' ');
  try {
    switch (`${verb} ${rest[0]}`.startsWith('kv put') ? 'kv put' : verb) {
      case 'publish':
        await bus.js.publish(arg, 'x', { timeout: 2_000 });
        break;
      case 'kv put': {
        const [, bucket, key] = rest;
        await (await new Kvm(bus.js).open(bucket!)).put(key!, 'x');
        break;
      }
      case 'kv': {
        const [, bucket, key] = rest;
        await (await new Kvm(bus.js).open(bucket!)).get(key!);
        break;
      }
      case 'read': {
        // An ephemeral consumer with explicit acks: what a reader of any stream (work queues too)
        // creates; deleted at once.
        const consumer = await bus.jsm.consumers.add(arg, {
          ack_policy: AckPolicy.Explicit,
          inactive_threshold: 10_000_000_000,
        });
        await bus.jsm.consumers.delete(arg, consumer.name);
        break;
      }
      case 'update': {
        const info = await bus.jsm.streams.info(rest[1]!);
        await bus.jsm.streams.update(rest[1]!, { ...info.config });
        break;
      }
      case 'delete':
        await bus.jsm.streams.delete(rest[1]!);
        break;
      case 'purge':
        await bus.jsm.streams.purge(rest[1]!);
        break;
      case 'subscribe': {
        const sub = bus.nc.subscribe(arg);
        await bus.nc.flush();
        const closed = await Promise.race([sub.closed, bus.nc.flush().then(() => 'open')]);
        if (closed !== 'open' || sub.isClosed()) throw closed ?? new Error('subscription closed');
        sub.unsubscribe();
        break;
      }
      default:
        throw new Error(`unknown operation ${operation}`);
    }
    return 'allowed';
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omega-bus-permissions-'));
  const files = await writeBusServerConfig({
    keyDir: join(dir, 'keys'),
    cluster: 'local',
    outDir: join(dir, 'bus'),
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    certificateDays: 1,
    logger,
  });
  caPem = readFileSync(files.caFile, 'utf8');
  nats = await startNatsServer({ args: ['-c', files.configFile] });
  trust = await startTrust({
    natsUrl: nats.url,
    keyDir: join(dir, 'keys'),
    env: {
      OMEGA_NATS_AUTH: 'identity',
      OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: ALL.filter((who) => who !== 'service/trust')
        .concat(['edge/edge-1', 'sentinel/node-z', 'sentinel/node-r'])
        .join(','),
    },
  });
  const trustConfig = trustServiceConfigSchema.parse({
    service: { name: 'trust' },
    grpc: { port: 0 },
    http: { port: 0 },
    trust: { keyDir: join(dir, 'keys') },
  });
  const own = await trustBusAuthentication(trustConfig, logger);
  buses.set(
    'service/trust',
    await identityBus('service/trust', own.clientCertificate(), own.nkeySeed),
  );
  for (const who of ALL.filter((w) => w !== 'service/trust')) {
    const bus = await identityBus(who, await enrolled(who));
    await provision(bus, IDENTITIES[who]!);
    buses.set(who, bus);
  }
});

afterAll(async () => {
  for (const bus of buses.values()) await bus.nc.close();
  await trust?.stop();
  await nats?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('who cannot connect at all', () => {
  const connectWith = (tls: Record<string, string>): Promise<NatsConnection> =>
    connect({ servers: nats.url, tls, reconnect: false, timeout: 5_000 });

  it('a client without a certificate', async () => {
    await expect(connectWith({ ca: caPem })).rejects.toThrow();
  });

  it('a certificate from another CA', async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=impostor',
      keys: {
        privateKey: keys.privateKey.toCryptoKey(alg, false, ['sign']),
        publicKey: keys.publicKey.toCryptoKey(alg, true, ['verify']),
      },
      signingAlgorithm: alg,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: 'omega://local/service/intelligence' },
        ]),
      ],
    });
    await expect(
      connectWith({
        ca: caPem,
        cert: cert.toString('pem'),
        key: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      }),
    ).rejects.toThrow();
  });

  it('an identity whose kind has no row (an edge host)', async () => {
    const certificate = await enrolled('edge/edge-1');
    await expect(
      connectWith({ ca: caPem, cert: certificate.certificatePem, key: certificate.privateKeyPem }),
    ).rejects.toThrow(/Authorization Violation/i);
    expect(trust.output.join('')).toMatch(/edge\/edge-1 has no bus permissions/);
  });

  it('a revoked identity, which could connect before', async () => {
    const certificate = await enrolled('sentinel/node-z');
    const tls = { ca: caPem, cert: certificate.certificatePem, key: certificate.privateKeyPem };
    const before = await connectWith(tls);
    await before.close();
    const logged = trust.output.join('').length;
    await trust.client.revokeIdentity({
      identityId: certificate.identityId,
      keyId: '',
      reason: 'spec',
      requestId: 'revoke-1',
    });
    await expect(connectWith(tls)).rejects.toThrow(/Authorization Violation/i);
    expect(trust.output.join('').slice(logged)).toMatch(
      /sentinel\/node-z: certificate \w+ is revoked/,
    );
  });
});

describe('a connection lasts as long as its certificate', () => {
  it('the server closes it when the certificate ends, and it comes back with the renewed one', async () => {
    const first = await enrolled('sentinel/node-r', 4);
    let current: BusClientCertificate = first;
    const bus = await identityBus('sentinel/node-r', () => current);
    const statuses: string[] = [];
    void (async () => {
      for await (const status of bus.nc.status()) statuses.push(status.type);
    })();
    try {
      const renewed = await renew(first.credentials, {
        trustAddress: trust.address,
        ttlSeconds: 600,
      });
      current = {
        certificatePem: renewed.certificateChainPem,
        privateKeyPem: renewed.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      };
      // The first certificate's end: the server disconnects, the client reconnects with `current`.
      for (let waited = 0; !statuses.includes('reconnect') && waited < 30_000; waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(statuses).toContain('disconnect');
      expect(statuses).toContain('reconnect');
      await expect(
        bus.js.publish('omega.telemetry.process.node-r', 'after renewal', { timeout: 5_000 }),
      ).resolves.toMatchObject({ stream: 'TELEMETRY' });
    } finally {
      await bus.nc.close();
    }
  });
});

// After the refusals: trust's own allowed publishes below put junk on its audit subjects.
describe('each identity can do exactly what its row allows', () => {
  for (const [operation, allowed] of Object.entries(EXPECTED)) {
    it(operation, async () => {
      const outcomes: Record<string, string> = {};
      for (const who of ALL) outcomes[who] = await attempt(buses.get(who)!, operation);
      const summary = Object.fromEntries(
        ALL.map((who) => [who, outcomes[who] === 'allowed' ? 'allowed' : 'refused']),
      );
      const expected = Object.fromEntries(
        ALL.map((who) => [who, allowed.includes(who) ? 'allowed' : 'refused']),
      );
      if (JSON.stringify(summary) !== JSON.stringify(expected)) {
        // Say what each refused identity got, so a wrong row is easy to find.
        expect(outcomes).toEqual(expected);
      }
      expect(summary).toEqual(expected);
    });
  }
});
