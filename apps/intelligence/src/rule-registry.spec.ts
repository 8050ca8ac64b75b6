// Rule changes shared through omega_policy on a real nats-server: a rule loaded through one replica
// runs on the other; a disabled rule is off on both; each change is logged in the real trust
// service's audit log (apps/trust as built, a child process) before it is stored.
import { createHash } from 'node:crypto';
import { connectBus, provision, type Bus } from '@omega/bus';
import { AuditEntryKind, LoadRulesRequest, RuleFormat } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { startTrust, type TrustProcess, withNats } from '@omega/testkit';
import { trustAuditClient } from '@omega/trust-client';
import { join } from 'node:path';
import { compileOrThrow, readRuleDirectory, type LoadedSigmaRule } from './rule-catalog';
import { RULES_KEY, RuleRegistry, type RuleRegistryOptions } from './rule-registry';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'intelligence', level: 'silent' });
let bus: Bus;
let trust: TrustProcess;
let pack: LoadedSigmaRule[];
const registries: RuleRegistry[] = [];

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'registry-spec', logger });
  await provision(bus, { kv: ['omega_policy'] });
  pack = compileOrThrow(await readRuleDirectory(join(__dirname, '..', 'rules')), 'pack');
  trust = await startTrust({ natsUrl: nats.url });
}, 40_000);

nats.beforeStop(async () => {
  registries.forEach((r) => r.stop());
  await trust?.stop();
  await bus.drain();
});

async function replica(
  options: Partial<Pick<RuleRegistryOptions, 'self' | 'rejected'>> = {},
): Promise<RuleRegistry> {
  const registry = await RuleRegistry.open({
    pack,
    kv: await bus.kv('omega_policy'),
    logger,
    audit: (entry, requestId) => trustAuditClient(trust.client).append(entry, { requestId }),
    ...options,
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

const RULE = `title: Loaded on one replica
id: 22222222-3333-4444-8555-666666666661
logsource:
  category: process_creation
detection:
  selection:
    CommandLine|contains: replicated-tool
  condition: selection
level: high
`;

it('a rule loaded or disabled through one replica takes effect on the other, audited in trust', async () => {
  const a = await replica();
  const b = await replica();
  const request = LoadRulesRequest.fromPartial({
    sources: [{ name: 'r.yml', format: RuleFormat.RULE_FORMAT_SIGMA_YAML, content: RULE }],
    requestId: 'spec-load',
  });
  const loaded = await a.load(request);
  expect(loaded.loaded).toBe(true);
  const id = 'sigma:22222222-3333-4444-8555-666666666661';
  expect(a.catalog.has(id)).toBe(true);
  await until(() => b.catalog.has(id), 'the rule on replica b');
  expect(b.catalog.sigmaRules).toHaveLength(pack.length + 1);

  const disabled = await b.setEnabled({ ruleId: id, enabled: false, requestId: 'spec-off' });
  expect(disabled.rule?.enabled).toBe(false);
  await until(() => !a.catalog.isEnabled(id), 'the rule off on replica a');

  // Both changes are in the audit log, in order, each at the ref the RPC returned.
  const { records } = await trust.client.listAuditEntries({
    startIndex: 0n,
    pageSize: 100,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_UNSPECIFIED,
    subject: '',
  });
  const ours = records.filter(
    (r) =>
      r.entry!.kind === AuditEntryKind.AUDIT_ENTRY_KIND_RULES_LOADED ||
      r.entry!.kind === AuditEntryKind.AUDIT_ENTRY_KIND_POLICY_CHANGED,
  );
  expect(ours.map((r) => r.entry!.subject)).toEqual([id, id]);
  expect(ours[0]!.ref!.logIndex).toBe(loaded.audit!.logIndex);
  expect(ours[1]!.ref!.logIndex).toBe(disabled.audit!.logIndex);
  // The sources are logged as digests (trust caps an entry at MAX_ENTRY_BYTES).
  expect(LoadRulesRequest.decode(ours[0]!.entry!.payload).sources[0]!.content).toBe(
    `sha256:${createHash('sha256').update(RULE).digest('hex')}`,
  );

  // A third replica starting now reads the stored changes.
  const c = await replica();
  expect(c.catalog.has(id) && !c.catalog.isEnabled(id)).toBe(true);
  const stored = await (await bus.kv('omega_policy')).get(RULES_KEY);
  expect(JSON.parse(new TextDecoder().decode(stored!.value)).disabled).toEqual([id]);
}, 30_000);

it('a replaced pack reports the rules it removed', async () => {
  const a = await replica();
  const result = await a.load(
    LoadRulesRequest.fromPartial({
      sources: [{ name: 'only.yml', format: RuleFormat.RULE_FORMAT_SIGMA_YAML, content: RULE }],
      replaceAll: true,
    }),
  );
  expect(result.loaded).toBe(true);
  expect(result.removedRuleIds.sort()).toEqual(
    pack.map((r) => `sigma:${r.compiled.rule.id}`).sort(),
  );
  expect(a.catalog.sigmaRules.map((r) => r.compiled.rule.id)).toEqual([
    '22222222-3333-4444-8555-666666666661',
  ]);
});

async function auditEntriesFrom(startIndex: bigint) {
  const { records } = await trust.client.listAuditEntries({
    startIndex,
    pageSize: 100,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_UNSPECIFIED,
    subject: '',
  });
  return records.map((r) => r.entry!);
}

it('each change names who asked: the verified requester, or the service itself when nobody was verified', async () => {
  const self = { id: 'omega://omega.test/service/intelligence', keyId: 'intelligence-key-1' };
  const a = await replica({ self: () => self });
  const operator = { subject: 'omega://omega.test/operator/alice', address: '10.0.0.9:41000' };
  const id = 'sigma:22222222-3333-4444-8555-666666666661';
  const loaded = await a.load(
    LoadRulesRequest.fromPartial({
      sources: [{ name: 'r.yml', format: RuleFormat.RULE_FORMAT_SIGMA_YAML, content: RULE }],
      requestId: 'actor-load',
    }),
    operator,
  );
  const disabled = await a.setEnabled(
    { ruleId: id, enabled: false, requestId: 'actor-off' },
    operator,
  );
  const anonymous = await a.setEnabled(
    { ruleId: id, enabled: true, requestId: 'actor-on' },
    { address: '127.0.0.1:50999' },
  );

  const entries = await auditEntriesFrom(loaded.audit!.logIndex);
  expect(entries.map((e) => [e.actor, e.summary])).toEqual([
    [
      { id: 'omega://omega.test/operator/alice', keyId: '' },
      `loaded 1 Sigma rule(s): ${id} (requested by omega://omega.test/operator/alice from 10.0.0.9:41000)`,
    ],
    [
      { id: 'omega://omega.test/operator/alice', keyId: '' },
      `disabled detection rule ${id} (requested by omega://omega.test/operator/alice from 10.0.0.9:41000)`,
    ],
    [self, `enabled detection rule ${id} (requested from 127.0.0.1:50999, no verified identity)`],
  ]);
  expect(disabled.audit!.logIndex).toBe(loaded.audit!.logIndex + 1n);
  expect(anonymous.audit!.logIndex).toBe(loaded.audit!.logIndex + 2n);
}, 30_000);

it('a malformed overlay in omega_policy is skipped and counted, the rules stay, and the next change replaces it', async () => {
  const kv = await bus.kv('omega_policy');
  await kv.delete(RULES_KEY); // the shipped pack again, whatever the tests before changed
  let rejected = 0;
  const a = await replica({ rejected: { inc: () => void rejected++ } });
  const [first, second] = pack.map((r) => `sigma:${r.compiled.rule.id}`);
  await a.setEnabled({ ruleId: first!, enabled: false, requestId: 'malformed-off' });
  const before = a.catalog.sigmaRules.length;

  // Not JSON, a list, sources that are not sources, a rule id that is not a string.
  for (const value of [
    'not json',
    '[]',
    '{"sources":"all","disabled":[]}',
    `{"sources":[],"disabled":["${second!}",7]}`,
  ]) {
    await kv.put(RULES_KEY, value);
  }
  await until(() => rejected === 4, 'four rejected overlays');
  expect(a.catalog.sigmaRules).toHaveLength(before);
  expect(a.catalog.isEnabled(first!)).toBe(false);
  expect(a.catalog.isEnabled(second!)).toBe(true);

  // The next change starts from the rules applied here and overwrites the bad value.
  await a.setEnabled({ ruleId: second!, enabled: false, requestId: 'malformed-next' });
  const stored = JSON.parse(new TextDecoder().decode((await kv.get(RULES_KEY))!.value));
  expect(stored.disabled).toEqual([first, second]);
  expect(rejected).toBe(4);
}, 30_000);

it('directory rules run beside the pack, replace a shipped rule with their id, and yield to LoadRules and disabling', async () => {
  const kv = await bus.kv('omega_policy');
  await kv.delete(RULES_KEY); // the shipped pack again, whatever the tests before changed
  const a = await replica();
  const shipped = pack[0]!.compiled.rule.id;
  const ownId = '22222222-3333-4444-8555-666666666662';
  // A team's own rule, and its version of a shipped rule (same id, another title).
  const directory = compileOrThrow(
    [
      { source: 'custom/own.yml', text: RULE.replace('666666666661', '666666666662') },
      {
        source: 'custom/override.yml',
        text: RULE.replace('22222222-3333-4444-8555-666666666661', shipped).replace(
          'Loaded on one replica',
          'Team version of a shipped rule',
        ),
      },
    ],
    'directory',
  );
  a.setDirectoryRules(directory);
  expect(a.catalog.sigmaRules).toHaveLength(pack.length + 1);
  expect(a.catalog.rule(`sigma:${shipped}`)).toMatchObject({
    name: 'Team version of a shipped rule',
    sourceName: 'custom/override.yml',
  });
  expect(a.catalog.rule(`sigma:${ownId}`)?.sourceName).toBe('custom/own.yml');

  // A rule loaded at run time with the same id wins over the directory's.
  await a.load(
    LoadRulesRequest.fromPartial({
      sources: [
        {
          name: 'loaded.yml',
          format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
          content: RULE.replace('666666666661', '666666666662'),
        },
      ],
    }),
  );
  expect(a.catalog.rule(`sigma:${ownId}`)?.sourceName).toBe('loaded.yml');
  await a.setEnabled({ ruleId: `sigma:${shipped}`, enabled: false, requestId: 'directory-off' });
  expect(a.catalog.isEnabled(`sigma:${shipped}`)).toBe(false);

  // The directory emptied: the shipped rule is back, still disabled; the loaded one stays.
  a.setDirectoryRules([]);
  expect(a.catalog.rule(`sigma:${shipped}`)?.sourceName).toBe(pack[0]!.sourceName);
  expect(a.catalog.isEnabled(`sigma:${shipped}`)).toBe(false);
  expect(a.catalog.rule(`sigma:${ownId}`)?.sourceName).toBe('loaded.yml');
}, 30_000);
