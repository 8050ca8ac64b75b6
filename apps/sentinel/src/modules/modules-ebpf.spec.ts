// Real kernel, real sentinel: the crypto-miner module, loaded through SentinelService.LoadModule
// with trust's attestation, catches a process named like a miner (a copy of curl called xmrig)
// that connects to a stratum port in a network namespace, from the sentinel's own eBPF events.
// Needs root, BTF and the bpf/ toolchain, like sentinel-ebpf.spec.ts.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connectBus, type Bus } from '@omega/bus';
import {
  EventBatch,
  LoadModuleRequest,
  ModuleState,
  SentinelServiceClient,
  type Event,
  type LoadModuleResponse,
} from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { eventually, startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { DEFAULT_LOADER_PATH } from '../sentinel-config';
import { buildSentinel, sentinelServiceConfigSchema } from '../sentinel-service';
import { buildLoader } from '../testing/loader-build';
import { attestModule, trustAnchor } from '../testing/module-attestation';
import { wasmModule } from '../testing/wasm-build';
import { deleteNetns, vethPair } from '../testing/veth-pair';

const NS_A = `omega-wasm-a-${process.pid}`;
const NS_B = `omega-wasm-b-${process.pid}`;
const ADDR_A = '10.198.0.1';
const ADDR_B = '10.198.0.2';
const NODE = 'node-modules';
const nats = withNats();
let running: RunningService<unknown>;
let trust: TrustProcess;
let bus: Bus;
let client: SentinelServiceClient;
let pool: ChildProcess | undefined;
const moduleEvents: Event[] = [];
const dir = mkdtempSync(join(tmpdir(), 'omega-modules-ebpf-'));

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'modules eBPF spec: must run as root (CAP_BPF, CAP_NET_ADMIN); CI runs as root',
    );
  }
  buildLoader('modules eBPF spec');
  vethPair({ ns: NS_A, dev: 'omwasmA', addr: ADDR_A }, { ns: NS_B, dev: 'omwasmB', addr: ADDR_B });
  trust = await startTrust({ natsUrl: nats.url });
  const configFile = join(dir, 'sentinel.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      grpc: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      nats: { servers: [nats.url] },
      log: { level: 'warn' },
      sentinel: {
        node: NODE,
        mode: 'ebpf',
        loaderPath: DEFAULT_LOADER_PATH,
        dataDir: join(dir, 'state'),
        flushIntervalMs: 20,
        trustAddress: trust.address,
        flows: { interfaces: [{ interface: 'omwasmA', netns: `/run/netns/${NS_A}` }] },
      },
    }),
  );
  running = await runService({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    resources: { streams: ['TELEMETRY', 'DLQ'], kv: ['omega_policy'] },
    env: { OMEGA_CONFIG_FILE: configFile },
    argv: [],
    installSignalHandlers: false,
    build: async (p) => {
      await buildSentinel(p);
    },
  });
  nats.beforeStop(async () => {
    pool?.kill();
    client?.close();
    await bus?.drain();
    await running?.service.shutdown('test done');
    await trust?.stop();
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'modules-ebpf-spec',
    logger: running.service.logger,
  });
  client = new SentinelServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [`omega.telemetry.module.${NODE}`],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) moduleEvents.push(...EventBatch.decode(m.data).events);
  })();
}, 120_000);

afterAll(() => {
  deleteNetns(NS_A, NS_B);
}, 30_000);

describe('modules on a real sentinel (eBPF)', () => {
  it('crypto-miner flags a process named xmrig connecting to a stratum port in a namespace', async () => {
    const wasm = wasmModule('modules eBPF spec', 'crypto-miner');
    const anchor = await trustAnchor(trust.client);
    const attestation = await attestModule(trust.client, anchor, {
      name: 'crypto-miner',
      version: '1.0.0',
      wasm,
    });
    const loaded = await new Promise<LoadModuleResponse>((resolve, reject) =>
      client.loadModule(
        LoadModuleRequest.fromPartial({
          name: 'crypto-miner',
          version: '1.0.0',
          module: { $case: 'wasm', value: Buffer.from(wasm) },
          loggedAttestation: attestation,
        }),
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
    expect(loaded.module).toMatchObject({
      name: 'crypto-miner',
      state: ModuleState.MODULE_STATE_RUNNING,
    });

    // a "pool" listening on the stratum port in B, and a miner-named curl in A talking to it
    pool = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS_B,
        'socat',
        `TCP-LISTEN:3333,bind=${ADDR_B},fork,reuseaddr`,
        'SYSTEM:echo ok',
      ],
      { stdio: 'ignore' },
    );
    const miner = join(dir, 'xmrig');
    copyFileSync('/usr/bin/curl', miner);
    await eventually(
      'the miner to reach the pool',
      () =>
        spawnSync(
          'ip',
          ['netns', 'exec', NS_A, miner, '-s', '-m', '2', `telnet://${ADDR_B}:3333`],
          { input: 'x' },
        ).status === 0 || undefined,
      10_000,
    );

    const titles = await eventually(
      'findings for the miner process and the stratum connection',
      () => {
        const t = moduleEvents.map((e) => e.unmapped['module.finding.title'] ?? '');
        return t.some((x) => x.startsWith('Crypto miner started')) &&
          t.some((x) => x.startsWith('Connection to a mining pool port'))
          ? t
          : undefined;
      },
      15_000,
    );
    expect(titles.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    const started = moduleEvents.find((e) =>
      e.unmapped['module.finding.title']?.startsWith('Crypto miner started'),
    )!;
    expect(started.unmapped['module.finding.explanation']).toContain(`${miner} (pid `);
    expect(started.unmapped['module.name']).toBe('crypto-miner');
    const connection = moduleEvents.find((e) =>
      e.unmapped['module.finding.title']?.startsWith('Connection to a mining pool port'),
    )!;
    expect(connection.unmapped['module.finding.explanation']).toContain(`${ADDR_B}:3333`);
  }, 60_000);
});
