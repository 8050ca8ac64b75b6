// Test-only: a real sentinel in eBPF mode (started by runService with the loader built from bpf/)
// whose process and file telemetry a real-kernel spec reads back from TELEMETRY, and helpers to
// run real commands with a known pid and to match the events with Sigma rules.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus } from '@omega/bus';
import { loadRulePack, type CompiledSigmaRule } from '@omega/detect';
import { EventBatch, type Event } from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import type { NatsFixture } from '@omega/testkit';
import {
  buildSentinel,
  sentinelServiceConfigSchema,
  type SentinelParts,
} from '../sentinel-service';
import { DEFAULT_LOADER_PATH } from '../sentinel-config';
import { buildLoader } from './loader-build';

export interface AuditSentinel {
  readonly dir: string;
  readonly parts: SentinelParts;
  /** Every event received so far on the node's process and file subjects. */
  readonly events: Event[];
}

/** Starts the sentinel on `node` with `sentinel` settings merged in; stops it before NATS stops. */
export async function startAuditSentinel(
  nats: NatsFixture,
  node: string,
  specName: string,
  sentinel: (dir: string) => Record<string, unknown>,
): Promise<AuditSentinel> {
  if (process.getuid?.() !== 0) {
    throw new Error(`${specName}: must run as root (CAP_BPF, CAP_PERFMON); CI runs as root`);
  }
  buildLoader(specName);
  const dir = mkdtempSync(join(tmpdir(), 'omega-sentinel-audit-'));
  execFileSync('chmod', ['755', dir]); // other users' commands run from it
  const configFile = join(dir, 'sentinel.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      grpc: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      nats: { servers: [nats.url] },
      log: { level: 'warn' },
      sentinel: {
        node,
        mode: 'ebpf',
        loaderPath: DEFAULT_LOADER_PATH,
        dataDir: join(dir, 'state'),
        flushIntervalMs: 20,
        auditPolicyChanges: false,
        kubernetes: { mode: 'off' },
        ...sentinel(dir),
      },
    }),
  );
  let parts: SentinelParts | undefined;
  const running: RunningService<unknown> = await runService({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    resources: { streams: ['TELEMETRY', 'DECEPTION', 'DLQ'], kv: ['omega_policy'] },
    env: { OMEGA_CONFIG_FILE: configFile },
    argv: [],
    installSignalHandlers: false,
    build: async (p) => {
      parts = await buildSentinel(p);
    },
  });
  nats.beforeStop(async () => {
    await running.service.shutdown('test done');
  });
  // registered last, so run first: the bus drains before the service stops
  const bus = await connectBus({
    servers: [nats.url],
    name: specName,
    logger: running.service.logger,
  });
  nats.beforeStop(() => bus.drain());
  const events: Event[] = [];
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [`omega.telemetry.process.${node}`, `omega.telemetry.file.${node}`],
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) events.push(...EventBatch.decode(m.data).events);
  })();
  return { dir, parts: parts!, events };
}

/** Runs `command args` through a shell that prints its pid and then execs it (same pid). */
export function runPid(command: string, ...args: string[]): number {
  const out = execFileSync(
    'sh',
    ['-c', 'echo $$; exec "$0" "$@" >/dev/null 2>&1', command, ...args],
    {
      encoding: 'utf8',
    },
  );
  return Number(out.trim());
}

/** As runPid, for a command expected to fail (its exit status is not the test's concern). */
export function runPidFailing(command: string, ...args: string[]): number {
  const run = spawnSync('sh', ['-c', 'echo $$; exec "$0" "$@" >/dev/null 2>&1', command, ...args], {
    encoding: 'utf8',
  });
  const pid = Number(run.stdout.trim());
  if (!pid) throw new Error(`${command}: no pid printed (${run.error?.message ?? run.stderr})`);
  return pid;
}

/** One Sigma rule (YAML) compiled, or a failure naming why it did not load. */
export function sigmaRule(yaml: string): CompiledSigmaRule {
  const pack = loadRulePack([{ source: 'spec', text: yaml }]);
  if (pack.rejected.length > 0) throw new Error(`rule rejected: ${pack.rejected[0]!.reason}`);
  return pack.rules[0]!;
}

/** A Sigma rule of `category` (product linux) whose selection is `selection` (YAML lines). */
export function ruleFor(category: string, ...selection: string[]): CompiledSigmaRule {
  return sigmaRule(
    [
      `title: spec ${category}`,
      `id: 00000000-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
      'status: test',
      'level: high',
      `logsource: { product: linux, category: ${category} }`,
      'detection:',
      '  sel:',
      ...selection.map((line) => `    ${line}`),
      '  condition: sel',
    ].join('\n'),
  );
}
