// The rules intelligence runs: the Sigma pack read from the rules directory, compiled once, plus
// the built-in streaming detectors, described as the contract's Rule messages.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  loadRulePack,
  RuleSetMatcher,
  type CompiledSigmaRule,
  type RejectedRule,
  type RuleText,
} from '@omega/detect';
import {
  DetectorKind,
  DiagnosticSeverity,
  RuleFormat,
  Severity,
  type Diagnostic,
  type Rule,
  type RuleSource,
  type ValidateRulesResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';

/** One Sigma rule as loaded, with where it came from. */
export interface LoadedSigmaRule {
  readonly compiled: CompiledSigmaRule;
  readonly sourceName: string;
  readonly sourceText: string;
  readonly sourceSha256: Buffer;
}

/** The built-in streaming detectors (libs/detect README), as ListRules shows them. */
const DETECTOR_RULES: readonly Omit<Rule, 'loadTimeNs' | 'matchCount'>[] = [
  detectorRule(
    'port-scan',
    'Port and host scans (TRW, Zeek scan.zeek thresholds)',
    Severity.SEVERITY_MEDIUM,
    ['T1046'],
  ),
  detectorRule(
    'beacon',
    'Beaconing (RITA timing, size, duration and histogram scores)',
    Severity.SEVERITY_HIGH,
    ['T1071', 'T1573'],
  ),
  detectorRule(
    'dns-tunnel',
    'DNS tunnelling and DNS C2 (subdomain count and label entropy)',
    Severity.SEVERITY_HIGH,
    ['T1071.004', 'T1572', 'T1048', 'T1568'],
  ),
  detectorRule(
    'new-edge',
    'First-seen communication edges after learning (MIDAS sketches)',
    Severity.SEVERITY_LOW,
    ['T1021', 'T1046'],
  ),
  detectorRule(
    'deception-touch',
    'Honeypot interaction or honeytoken use',
    Severity.SEVERITY_FATAL,
    ['T1046', 'T1110', 'T1078', 'T1059', 'T1083', 'T1005', 'T1552'],
    DetectorKind.DETECTOR_KIND_DECEPTION,
  ),
];

function detectorRule(
  name: string,
  description: string,
  severity: Severity,
  techniques: string[],
  kind = DetectorKind.DETECTOR_KIND_STREAMING,
): Omit<Rule, 'loadTimeNs' | 'matchCount'> {
  return {
    id: `detector:${name}`,
    name,
    description,
    kind,
    severity,
    attackTechniqueIds: techniques,
    tags: [],
    enabled: true,
    format: RuleFormat.RULE_FORMAT_UNSPECIFIED,
    source: '',
    sourceName: '',
    sourceSha256: Buffer.alloc(0),
  };
}

/** Every `.yml`/`.yaml` file under `dir` (recursively), named relative to it, in name order. */
export async function readRuleDirectory(dir: string): Promise<RuleText[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).map(String);
  } catch (err) {
    throw OmegaError.wrap(
      err,
      `intelligence.rulesDir ${dir}: cannot list rule files (set OMEGA_INTELLIGENCE_RULES_DIR)`,
      Code.FailedPrecondition,
    );
  }
  const files = names.filter((n) => /\.ya?ml$/i.test(n)).sort();
  return Promise.all(
    files.map(async (name) => ({
      source: relative(dir, join(dir, name)).split(sep).join('/'),
      text: await readFile(join(dir, name), 'utf8'),
    })),
  );
}

function diagnosticOf(rejected: RejectedRule): Diagnostic {
  return {
    severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
    message: rejected.error.message,
    source: rejected.source,
    path: rejected.ruleId ? `rule ${rejected.ruleId}` : '',
    line: rejected.line ?? 0,
    column: rejected.column ?? 0,
    code: rejected.error.code === Code.Unimplemented ? 'unsupported-feature' : 'invalid-rule',
  };
}

function compileTexts(texts: readonly RuleText[]): {
  loaded: LoadedSigmaRule[];
  diagnostics: Diagnostic[];
} {
  const loaded: LoadedSigmaRule[] = [];
  const byName = new Map(texts.map((t) => [t.source, t.text]));
  const pack = loadRulePack(texts);
  for (const compiled of pack.rules) {
    const sourceName = compiled.rule.source ?? '';
    const sourceText = byName.get(sourceName) ?? '';
    loaded.push({
      compiled,
      sourceName,
      sourceText,
      sourceSha256: createHash('sha256').update(sourceText).digest(),
    });
  }
  return { loaded, diagnostics: pack.rejected.map(diagnosticOf) };
}

function sigmaRuleMessage(rule: LoadedSigmaRule, loadTimeNs: bigint, matchCount: number): Rule {
  const r = rule.compiled.rule;
  return {
    id: `sigma:${r.id}`,
    name: r.title,
    description: r.description ?? '',
    kind: DetectorKind.DETECTOR_KIND_RULE,
    severity: r.severityId as Severity,
    attackTechniqueIds: [...r.attackTechniques],
    tags: [...r.tags],
    enabled: true,
    format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
    source: rule.sourceText,
    sourceName: rule.sourceName,
    sourceSha256: rule.sourceSha256,
    loadTimeNs,
    matchCount: BigInt(matchCount),
  };
}

/** Checks rule sources without loading them: the ValidateRules answer. */
export function validateRuleSources(sources: readonly RuleSource[]): ValidateRulesResponse {
  const diagnostics: Diagnostic[] = [];
  const texts: RuleText[] = [];
  sources.forEach((s, i) => {
    const name = s.name || `sources[${i}]`;
    if (
      s.format !== RuleFormat.RULE_FORMAT_SIGMA_YAML &&
      s.format !== RuleFormat.RULE_FORMAT_UNSPECIFIED
    ) {
      diagnostics.push({
        severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
        message: `${name}: rule format ${s.format} is not supported; only RULE_FORMAT_SIGMA_YAML is`,
        source: name,
        path: `sources[${i}].format`,
        line: 0,
        column: 0,
        code: 'unsupported-format',
      });
      return;
    }
    texts.push({ source: name, text: s.content });
  });
  const compiled = compileTexts(texts);
  diagnostics.push(...compiled.diagnostics);
  return {
    valid: !diagnostics.some((d) => d.severity === DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR),
    diagnostics,
    rules: compiled.loaded.map((rule) => sigmaRuleMessage(rule, 0n, 0)),
  };
}

export class RuleCatalog {
  readonly sigmaRules: readonly LoadedSigmaRule[];
  readonly matcher: RuleSetMatcher;
  private readonly matchCounts = new Map<string, number>();

  private constructor(
    sigmaRules: LoadedSigmaRule[],
    readonly loadTimeNs: bigint,
  ) {
    this.sigmaRules = sigmaRules;
    this.matcher = new RuleSetMatcher(sigmaRules.map((r) => r.compiled));
  }

  /**
   * Compiles every text; any rejected rule fails the whole load, naming each one (a rule an
   * operator shipped is never dropped silently).
   */
  static fromTexts(texts: readonly RuleText[], loadTimeNs: bigint): RuleCatalog {
    const { loaded, diagnostics } = compileTexts(texts);
    if (diagnostics.length > 0) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `rule pack: ${diagnostics.length} rule(s) rejected: ${diagnostics.map((d) => d.message).join('; ')}`,
      );
    }
    return new RuleCatalog(loaded, loadTimeNs);
  }

  static async fromDirectory(dir: string, loadTimeNs: bigint): Promise<RuleCatalog> {
    return RuleCatalog.fromTexts(await readRuleDirectory(dir), loadTimeNs);
  }

  /** Counts an alert raised by a rule or detector (`sigma:<id>` / `detector:<name>`). */
  countMatch(ruleId: string): void {
    this.matchCounts.set(ruleId, (this.matchCounts.get(ruleId) ?? 0) + 1);
  }

  /** Sigma rules, then detectors, as Rule messages. */
  list(): Rule[] {
    return [
      ...this.sigmaRules.map((rule) =>
        sigmaRuleMessage(
          rule,
          this.loadTimeNs,
          this.matchCounts.get(`sigma:${rule.compiled.rule.id}`) ?? 0,
        ),
      ),
      ...DETECTOR_RULES.map((rule) => ({
        ...rule,
        loadTimeNs: this.loadTimeNs,
        matchCount: BigInt(this.matchCounts.get(rule.id) ?? 0),
      })),
    ];
  }
}
