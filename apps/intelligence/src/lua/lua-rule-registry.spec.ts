// Lua rule scripts loaded through LoadRules on a real nats-server, audited in the real trust
// service's log (apps/trust as built, a child process) like Sigma loads: a script loaded through
// one replica runs on the other without a restart, a new version replaces it on both, and a
// script that does not compile is refused whole with its line.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectBus, provision, type Bus } from '@omega/bus';
import { AuditEntryKind, LoadRulesRequest, RuleFormat } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { startTrust, type TrustProcess, withNats } from '@omega/testkit';
import { trustAuditClient } from '@omega/trust-client';
import { processLaunch } from '../testing/spec-events';
import { RULES_KEY, RuleRegistry } from '../rule-registry';
import { DEFAULT_LUA_LIMITS } from './lua-rule-script';
import { LuaRuntime } from './lua-sandbox';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'intelligence', level: 'silent' });
const EXAMPLE = readFileSync(
  join(__dirname, '..', '..', 'lua-rules', 'download-then-execute.lua'),
  'utf8',
);
const ID = 'lua:download-then-execute';
let bus: Bus;
let trust: TrustProcess;
let runtime: LuaRuntime;
const registries: RuleRegistry[] = [];

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'lua-registry-spec', logger });
  await provision(bus, { kv: ['omega_policy'] });
  trust = await startTrust({ natsUrl: nats.url });
  runtime = await LuaRuntime.load();
}, 40_000);

nats.beforeStop(async () => {
  registries.forEach((r) => r.stop());
  await trust?.stop();
  await bus.drain();
});

async function replica(): Promise<RuleRegistry> {
  const registry = await RuleRegistry.open({
    pack: [],
    kv: await bus.kv('omega_policy'),
    logger,
    audit: (entry, requestId) => trustAuditClient(trust.client).append(entry, { requestId }),
    lua: { runtime, limits: DEFAULT_LUA_LIMITS },
  });
  registries.push(registry);
  return registry;
}

async function until(probe: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !probe();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const luaSource = (content: string, name = 'download-then-execute.lua') => ({
  name,
  format: RuleFormat.RULE_FORMAT_LUA,
  content,
});

/** curl in a pod, then a program from /tmp 30 s later: what the example script looks for. */
function downloadThenRun(pod: string) {
  const t0 = 1_700_000_000_000_000_000n;
  return [
    processLaunch(
      { 'omega.pod': pod, Image: '/usr/bin/curl', CommandLine: 'curl -o /tmp/x http://h/x' },
      { id: `${pod}-curl`, timeNs: t0 },
    ),
    processLaunch(
      { 'omega.pod': pod, Image: '/tmp/x', CommandLine: '/tmp/x' },
      { id: `${pod}-run`, timeNs: t0 + 30_000_000_000n },
    ),
  ];
}

function findingsOf(registry: RuleRegistry, pod: string): string[] {
  const { catalog } = registry;
  return downloadThenRun(pod).flatMap((event, eventIndex) =>
    catalog.lua
      .observe(event, { event, eventIndex }, 60_000, (id) => catalog.isEnabled(id))
      .map((b) => b.alert.explanation),
  );
}

it('a script loaded through one replica is audited, runs on the other, and a new version replaces it on both', async () => {
  const a = await replica();
  const b = await replica();
  const loaded = await a.load(
    LoadRulesRequest.fromPartial({ sources: [luaSource(EXAMPLE)], requestId: 'lua-load-1' }),
  );
  expect(loaded).toMatchObject({ loaded: true, loadedRuleIds: [ID], diagnostics: [] });
  await until(() => b.catalog.has(ID), 'the script on replica b');
  expect(b.catalog.rule(ID)).toMatchObject({
    format: RuleFormat.RULE_FORMAT_LUA,
    name: 'Download then execute from a writable directory',
    attackTechniqueIds: ['T1105', 'T1059.004'],
    enabled: true,
  });
  expect(findingsOf(b, 'web-1')).toEqual([
    'Lua rule "Download then execute from a writable directory" (download-then-execute, ' +
      'download-then-execute.lua) on event web-1-run: pod:shop/web-1 ran /tmp/x 30 s after ' +
      'downloading with "curl -o /tmp/x http://h/x" ATT&CK: T1105, T1059.004.',
  ]);

  const { records } = await trust.client.listAuditEntries({
    startIndex: 0n,
    pageSize: 100,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_RULES_LOADED,
    subject: '',
  });
  const entry = records.find((r) => r.ref!.logIndex === loaded.audit!.logIndex)!.entry!;
  expect(entry.subject).toBe(ID);
  expect(entry.summary).toContain(`loaded 0 Sigma rule(s) and 1 Lua script(s): ${ID}`);
  const logged = LoadRulesRequest.decode(entry.payload).sources[0]!;
  expect(logged.format).toBe(RuleFormat.RULE_FORMAT_LUA);
  expect(logged.content).toBe(`sha256:${createHash('sha256').update(EXAMPLE).digest('hex')}`);

  // Version 2 says so in every explanation; both replicas swap it in, no restart.
  const v2 = EXAMPLE.replace("'%s ran %s", "'v2: %s ran %s");
  expect(v2).not.toBe(EXAMPLE);
  expect((await b.load(LoadRulesRequest.fromPartial({ sources: [luaSource(v2)] }))).loaded).toBe(
    true,
  );
  await until(() => a.catalog.rule(ID)?.source === v2, 'version 2 on replica a');
  expect(findingsOf(a, 'web-2')[0]).toContain(': v2: pod:shop/web-2 ran /tmp/x');
  const stored = await (await bus.kv('omega_policy')).get(RULES_KEY);
  expect(JSON.parse(new TextDecoder().decode(stored!.value)).sources).toEqual([
    { name: 'download-then-execute.lua', content: v2, format: 'lua' },
  ]);
}, 30_000);

it('a script that does not compile is refused with its line, and nothing is stored', async () => {
  const a = await replica();
  const before = a.catalog.list().length;
  const refused = await a.load(
    LoadRulesRequest.fromPartial({
      sources: [
        luaSource(EXAMPLE, 'fine.lua'),
        luaSource(
          "rule = { id = 'x', title = 'X' }\nfunction on_event(e, s)\n  return {\n",
          'bad.lua',
        ),
      ],
    }),
  );
  expect(refused.loaded).toBe(false);
  expect(refused.diagnostics).toHaveLength(1);
  expect(refused.diagnostics[0]).toMatchObject({ source: 'bad.lua', line: 4, path: 'sources[1]' });
  expect(a.catalog.list()).toHaveLength(before);
});
