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
import { compileLuaSources, LuaRuleSet, type LuaRuleEngine } from './lua/lua-rule-set';
import { luaRuleMessage } from './lua/lua-rule-message';

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
    'Beaconing (RITA timing, size, duration and histogram scores; a young beacon early at low severity)',
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

/**
 * Every `.yml`/`.yaml` file under `dir` (recursively), named relative to it, in name order.
 * Entries whose name starts with a dot are left out: a mounted ConfigMap keeps each version of its
 * files in `..<timestamp>/` and `..data/` beside the links users see, which would load every rule
 * twice.
 */
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
  const files = names
    .filter((n) => /\.ya?ml$/i.test(n) && !n.split(sep).some((part) => part.startsWith('.')))
    .sort();
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

export function compileTexts(texts: readonly RuleText[]): {
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

export function sigmaRuleMessage(
  rule: LoadedSigmaRule,
  loadTimeNs: bigint,
  matchCount: number,
): Rule {
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

/** Rule sources as given to ValidateRules, LoadRules and TestRules, compiled. */
export interface CompiledSources {
  /** True when there is no ERROR diagnostic. */
  readonly valid: boolean;
  readonly diagnostics: Diagnostic[];
  readonly loaded: LoadedSigmaRule[];
}

export function compileRuleSources(sources: readonly RuleSource[]): CompiledSources {
  const diagnostics: Diagnostic[] = [];
  const texts: RuleText[] = [];
  sources.forEach((s, i) => {
    const name = s.name || `sources[${i}]`;
    // Lua scripts compile apart (compileLuaSources).
    if (s.format === RuleFormat.RULE_FORMAT_LUA) return;
    if (
      s.format !== RuleFormat.RULE_FORMAT_SIGMA_YAML &&
      s.format !== RuleFormat.RULE_FORMAT_UNSPECIFIED
    ) {
      diagnostics.push({
        severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
        message: `${name}: rule format ${s.format} is not supported; RULE_FORMAT_SIGMA_YAML and RULE_FORMAT_LUA are`,
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
    loaded: compiled.loaded,
  };
}

/** The Lua sources of a request, with their positions in it. */
export function luaSourcesOf(sources: readonly RuleSource[]): {
  texts: { name: string; content: string }[];
  indexes: number[];
} {
  const texts: { name: string; content: string }[] = [];
  const indexes: number[] = [];
  sources.forEach((s, i) => {
    if (s.format !== RuleFormat.RULE_FORMAT_LUA) return;
    texts.push({ name: s.name || `sources[${i}]`, content: s.content });
    indexes.push(i);
  });
  return { texts, indexes };
}

/** Checks rule sources without loading them: the ValidateRules answer. */
export function validateRuleSources(
  sources: readonly RuleSource[],
  lua?: LuaRuleEngine,
): ValidateRulesResponse {
  const { valid, diagnostics, loaded } = compileRuleSources(sources);
  const { texts, indexes } = luaSourcesOf(sources);
  const scripts = compileLuaSources(lua, texts, indexes);
  const rules = [
    ...loaded.map((rule) => sigmaRuleMessage(rule, 0n, 0)),
    ...scripts.scripts.map((script) => luaRuleMessage(script, 0n, 0)),
  ];
  for (const script of scripts.scripts) script.close();
  return {
    valid: valid && scripts.diagnostics.length === 0,
    diagnostics: [...diagnostics, ...scripts.diagnostics],
    rules,
  };
}

/** Which rules are off and the alert counts, carried from one catalog to the next. */
export interface CatalogState {
  /** Rule ids (`sigma:<id>`, `detector:<name>`) that raise no alerts. */
  readonly disabled?: ReadonlySet<string>;
  /** Alerts per rule id since start, shared by successive catalogs. */
  readonly counts?: Map<string, number>;
  /** The Lua rule scripts to run (`lua:<id>`). */
  readonly lua?: LuaRuleSet;
}

export class RuleCatalog {
  readonly sigmaRules: readonly LoadedSigmaRule[];
  /** Matches the enabled Sigma rules only. */
  readonly matcher: RuleSetMatcher;
  readonly disabled: ReadonlySet<string>;
  readonly lua: LuaRuleSet;
  private readonly matchCounts: Map<string, number>;

  constructor(
    sigmaRules: readonly LoadedSigmaRule[],
    readonly loadTimeNs: bigint,
    state: CatalogState = {},
  ) {
    this.sigmaRules = sigmaRules;
    this.disabled = state.disabled ?? new Set();
    this.lua = state.lua ?? LuaRuleSet.EMPTY;
    this.matchCounts = state.counts ?? new Map();
    this.matcher = new RuleSetMatcher(
      sigmaRules
        .filter((r) => !this.disabled.has(`sigma:${r.compiled.rule.id}`))
        .map((r) => r.compiled),
    );
  }

  /**
   * Compiles every text; any rejected rule fails the whole load, naming each one (a rule an
   * operator shipped is never dropped silently).
   */
  static fromTexts(texts: readonly RuleText[], loadTimeNs: bigint): RuleCatalog {
    return new RuleCatalog(compileOrThrow(texts, 'rule pack'), loadTimeNs);
  }

  static async fromDirectory(dir: string, loadTimeNs: bigint): Promise<RuleCatalog> {
    return RuleCatalog.fromTexts(await readRuleDirectory(dir), loadTimeNs);
  }

  /** Whether a rule or detector id is known (`sigma:<id>` / `detector:<name>`). */
  has(ruleId: string): boolean {
    return (
      DETECTOR_RULES.some((r) => r.id === ruleId) ||
      this.sigmaRules.some((r) => `sigma:${r.compiled.rule.id}` === ruleId) ||
      this.lua.scripts.some((s) => s.ruleId === ruleId)
    );
  }

  isEnabled(ruleId: string): boolean {
    return !this.disabled.has(ruleId);
  }

  /** Counts an alert raised by a rule or detector (`sigma:<id>` / `detector:<name>`). */
  countMatch(ruleId: string): void {
    this.matchCounts.set(ruleId, (this.matchCounts.get(ruleId) ?? 0) + 1);
  }

  /** One rule or detector as a Rule message; undefined when unknown. */
  rule(ruleId: string): Rule | undefined {
    return this.list().find((r) => r.id === ruleId);
  }

  /** Sigma rules, then Lua scripts, then detectors, as Rule messages. */
  list(): Rule[] {
    return [
      ...this.sigmaRules.map((rule) => {
        const id = `sigma:${rule.compiled.rule.id}`;
        return {
          ...sigmaRuleMessage(rule, this.loadTimeNs, this.matchCounts.get(id) ?? 0),
          enabled: !this.disabled.has(id),
        };
      }),
      ...this.lua.scripts.map((script) => ({
        ...luaRuleMessage(script, this.loadTimeNs, this.matchCounts.get(script.ruleId) ?? 0),
        enabled: !this.disabled.has(script.ruleId) && !script.disabled,
      })),
      ...DETECTOR_RULES.map((rule) => ({
        ...rule,
        enabled: !this.disabled.has(rule.id),
        loadTimeNs: this.loadTimeNs,
        matchCount: BigInt(this.matchCounts.get(rule.id) ?? 0),
      })),
    ];
  }
}

/** Compiles rule texts, or FailedPrecondition naming every rejected rule. */
export function compileOrThrow(texts: readonly RuleText[], what: string): LoadedSigmaRule[] {
  const { loaded, diagnostics } = compileTexts(texts);
  if (diagnostics.length > 0) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${what}: ${diagnostics.length} rule(s) rejected: ${diagnostics.map((d) => d.message).join('; ')}`,
    );
  }
  return loaded;
}
