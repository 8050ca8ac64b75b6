// Rule directories on real files: changes are picked up by the directory watch (no reload call), a
// broken file keeps the rules loaded before and is reported by a log line and a metric naming its
// file, line and reason, a ConfigMap-style swap of `..data` loads each rule once, and the built
// validator the chart's hook runs fails naming the file, line and reason.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createLogger } from '@omega/runtime';
import { eventually } from '@omega/testkit';
import { Registry } from 'prom-client';
import { CustomRuleDirectories } from './custom-rule-directories';
import { intelligenceMetrics } from './intelligence-metrics';
import type { LoadedSigmaRule } from './rule-catalog';

const VALIDATOR = join(__dirname, '..', 'dist', 'rules-check-main.js');

const rule = (id: string, image: string): string => `title: Custom rule ${id}
id: ${id}
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    Image|endswith: ${image}
  condition: selection
level: high
`;
const ID_A = 'c0ffee00-0000-4000-8000-00000000000a';
const ID_B = 'c0ffee00-0000-4000-8000-00000000000b';
// Line 8 carries the misspelt modifier.
const BROKEN = rule(ID_B, '/nmap').replace('Image|endswith', 'Image|endswth');

let dir: string;
let directories: CustomRuleDirectories | undefined;
let applied: (readonly LoadedSigmaRule[])[];
let logLines: Record<string, unknown>[];
let registry: Registry;

const idsOf = (rules: readonly LoadedSigmaRule[] | undefined): string[] =>
  (rules ?? []).map((r) => r.compiled.rule.id).sort();

async function open(watched = dir, rescanIntervalMs?: number): Promise<void> {
  registry = new Registry();
  const logger = createLogger({
    service: 'intelligence',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  });
  directories = await CustomRuleDirectories.open({
    dirs: [watched],
    apply: (rules) => applied.push(rules),
    logger,
    metrics: intelligenceMetrics(registry),
    reloadDelayMs: 50,
    ...(rescanIntervalMs ? { rescanIntervalMs } : {}),
  });
}

/** The rule sets applied so far, once `count` of them have been. */
function appliedCount(count: number): Promise<(readonly LoadedSigmaRule[])[]> {
  return eventually(`${count} rule set(s) applied`, () =>
    applied.length >= count ? applied : undefined,
  );
}

async function metricText(): Promise<string> {
  return registry.metrics();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-rules-'));
  applied = [];
  logLines = [];
});

afterEach(async () => {
  directories?.stop();
  directories = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('custom rule directories', () => {
  it('loads the directory at start and applies a new file when it is written', async () => {
    await writeFile(join(dir, 'a.yml'), rule(ID_A, '/socat'));
    await open();
    expect(idsOf(applied[0])).toEqual([ID_A]);
    await mkdir(join(dir, 'team'));
    await writeFile(join(dir, 'team', 'b.yaml'), rule(ID_B, '/nmap'));
    const sets = await appliedCount(2);
    expect(idsOf(sets[1])).toEqual([ID_A, ID_B]);
    expect(sets[1]!.map((r) => r.sourceName).sort()).toEqual([
      `${dir}/a.yml`,
      `${dir}/team/b.yaml`,
    ]);
    expect(await metricText()).toMatch(
      /omega_intelligence_rule_reloads_total{outcome="applied"} 2/,
    );
  });

  it('keeps the rules loaded before when a file breaks, naming its file, line and reason in a log line and a metric, until it is fixed', async () => {
    await writeFile(join(dir, 'a.yml'), rule(ID_A, '/socat'));
    await open();
    await writeFile(join(dir, 'b.yml'), BROKEN);
    const rejection = await eventually('a rejection logged', () =>
      logLines.find((l) => l['file'] === `${dir}/b.yml`),
    );
    expect(rejection).toMatchObject({
      level: 'error',
      file: `${dir}/b.yml`,
      line: 8,
      reason: `rule ${ID_B}: 'Image|endswth': unknown modifier 'endswth'`,
    });
    expect(rejection['msg']).toContain(`${dir}/b.yml:8:5: rule ${ID_B}`);
    // Nothing but the first set was applied: the broken change never ran.
    expect(applied.map(idsOf)).toEqual([[ID_A]]);
    const text = await metricText();
    expect(text).toContain(
      `omega_intelligence_rule_file_rejected{file="${dir}/b.yml",line="8",reason="rule ${ID_B}: 'Image|endswth': unknown modifier 'endswth'"} 1`,
    );
    expect(text).toMatch(/omega_intelligence_rule_reloads_total{outcome="rejected"} 1/);

    await writeFile(join(dir, 'b.yml'), rule(ID_B, '/nmap'));
    const sets = await appliedCount(2);
    expect(idsOf(sets[1])).toEqual([ID_A, ID_B]);
    expect(await metricText()).not.toContain('omega_intelligence_rule_file_rejected{');
  });

  it('names a duplicate rule id across files and keeps the rules before', async () => {
    await writeFile(join(dir, 'a.yml'), rule(ID_A, '/socat'));
    await open();
    await writeFile(join(dir, 'copy.yml'), rule(ID_A, '/nc'));
    const rejection = await eventually('the duplicate logged', () =>
      logLines.find((l) => l['file'] === `${dir}/copy.yml`),
    );
    expect(rejection['reason']).toBe(`rule ${ID_A}: duplicate rule id ${ID_A}`);
    expect(applied.map(idsOf)).toEqual([[ID_A]]);
  });

  it('starts without the directory rules when one is broken, and loads them once fixed', async () => {
    await writeFile(join(dir, 'a.yml'), rule(ID_A, '/socat'));
    await writeFile(join(dir, 'b.yml'), BROKEN);
    await open();
    expect(applied).toEqual([]);
    expect(logLines.find((l) => l['file'] === `${dir}/b.yml`)).toMatchObject({ line: 8 });
    await writeFile(join(dir, 'b.yml'), rule(ID_B, '/nmap'));
    expect(idsOf((await appliedCount(1))[0])).toEqual([ID_A, ID_B]);
  });

  it('follows a mounted ConfigMap: each version swapped in through ..data is loaded once, its version directories never', async () => {
    // The layout and the update the kubelet's atomic writer makes: files are links into ..data,
    // which links to a timestamped directory; an update writes a new one and renames ..data_tmp.
    const mount = join(dir, 'mount');
    await mkdir(join(mount, '..2026_12_07_00_00_00.1'), { recursive: true });
    await writeFile(join(mount, '..2026_12_07_00_00_00.1', 'custom.yml'), rule(ID_A, '/socat'));
    await symlink('..2026_12_07_00_00_00.1', join(mount, '..data'));
    await symlink('..data/custom.yml', join(mount, 'custom.yml'));
    await open(mount);
    expect(idsOf(applied[0])).toEqual([ID_A]);

    await mkdir(join(mount, '..2026_12_07_00_01_00.2'));
    await writeFile(
      join(mount, '..2026_12_07_00_01_00.2', 'custom.yml'),
      `${rule(ID_A, '/socat')}---\n${rule(ID_B, '/nmap')}`,
    );
    await symlink('..2026_12_07_00_01_00.2', join(mount, '..data_tmp'));
    await rename(join(mount, '..data_tmp'), join(mount, '..data'));
    await rm(join(mount, '..2026_12_07_00_00_00.1'), { recursive: true });
    const sets = await appliedCount(2);
    expect(idsOf(sets[1])).toEqual([ID_A, ID_B]);
    expect(sets[1]!.map((r) => r.sourceName)).toEqual([
      `${mount}/custom.yml`,
      `${mount}/custom.yml`,
    ]);
  });

  it('reads the directory again periodically: rules written into a directory that replaced the watched one still load', async () => {
    const watched = join(dir, 'watched');
    await mkdir(watched);
    await writeFile(join(watched, 'team.yml'), rule(ID_A, '/socat'));
    await open(watched, 200);
    // The watched directory moved away: the watch reports that much, the read finds no directory,
    // and the rules loaded before stay.
    await rename(watched, join(dir, 'moved'));
    await eventually('the missing directory reported', () =>
      logLines.find((l) => String(l['reason']).startsWith('cannot list the rule directory')),
    );
    // A new directory at the path: no watch follows it, only the periodic read sees its rules.
    await mkdir(watched);
    await writeFile(
      join(watched, 'team.yml'),
      `${rule(ID_A, '/socat')}---\n${rule(ID_B, '/nmap')}`,
    );
    const sets = await appliedCount(2);
    expect(idsOf(sets[1])).toEqual([ID_A, ID_B]);
  });

  it('refuses to start on a directory that does not exist', async () => {
    await expect(open(join(dir, 'missing'))).rejects.toThrow(
      `intelligence.customRulesDirs[0] ${dir}/missing: not a directory`,
    );
  });
});

describe('the rules-check validator (the chart hook Job’s command)', () => {
  const run = promisify(execFile);

  it('exits 1 printing file:line:column and the reason of each broken rule', async () => {
    await writeFile(join(dir, 'good.yml'), rule(ID_A, '/socat'));
    await writeFile(join(dir, 'broken.yml'), BROKEN);
    const failed = await run(process.execPath, [VALIDATOR, `customRules=${dir}`]).then(
      () => undefined,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout.split('\n')).toEqual([
      `customRules/broken.yml:8:5: rule ${ID_B}: 'Image|endswth': unknown modifier 'endswth'`,
      'rules check: 1 problem(s) in customRules; no rule of it goes live',
      '',
    ]);
  });

  it('exits 0 listing the rules that load', async () => {
    await writeFile(join(dir, 'good.yml'), rule(ID_A, '/socat'));
    const { stdout } = await run(process.execPath, [VALIDATOR, `customRules=${dir}`]);
    expect(stdout).toBe(`rules check: 1 rule(s) in customRules load: sigma:${ID_A}\n`);
  });
});
