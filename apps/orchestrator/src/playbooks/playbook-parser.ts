// Parses and checks a playbook YAML document: YAML syntax, the JSON schema (ajv), then what a
// schema cannot say (actions exist, needs resolve and do not cycle, references and conditions
// parse). Every problem is a Diagnostic naming the field path, line and column; a playbook with
// any error is not compiled.
import { createHash } from 'node:crypto';
import Ajv, { type ErrorObject } from 'ajv';
import { DiagnosticSeverity, type Diagnostic } from '@omega/proto';
import { errorMessage } from '@omega/runtime';
import {
  DEFAULT_RETRY,
  checkPlan,
  conditionReferences,
  referencesOf,
  type PlanStep,
  type WorkflowPlan,
} from '@omega/workflow';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import { PLAYBOOK_SCHEMA } from './playbook-schema';

export interface AlertMatcher {
  minSeverity?: string;
  ruleIds: string[];
  attackTechniqueIds: string[];
  detectorKinds: string[];
  labels: Record<string, string>;
}

export interface CompiledPlaybook {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  manual: boolean;
  alert: AlertMatcher | undefined;
  plan: WorkflowPlan;
  source: string;
  sha256: Buffer;
}

export interface ParseResult {
  playbook: CompiledPlaybook | undefined;
  diagnostics: Diagnostic[];
}

interface RawStep {
  id: string;
  action?: string;
  sleep_ms?: number;
  params?: Record<string, string | number | boolean>;
  needs?: string[];
  when?: string;
  retry?: {
    max_attempts?: number;
    initial_backoff_ms?: number;
    backoff_coefficient?: number;
    max_backoff_ms?: number;
    non_retryable?: string[];
  };
  timeout_ms?: number;
  heartbeat_timeout_ms?: number;
  approval?: { signal?: string; timeout_ms: number };
  continue_on_failure?: boolean;
}

interface RawPlaybook {
  id: string;
  name?: string;
  description?: string;
  enabled?: boolean;
  timeout_ms?: number;
  trigger?: {
    manual?: boolean;
    alert?: {
      min_severity?: string;
      rule_ids?: string[];
      attack_technique_ids?: string[];
      detector_kinds?: string[];
      labels?: Record<string, string>;
    };
  };
  steps: RawStep[];
  on_failure?: RawStep[];
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(PLAYBOOK_SCHEMA);
const DEFAULT_TIMEOUT_MS = 30_000;
const REFERENCE_ROOTS = ['alert.', 'inputs.', 'workflow.'];

export function parsePlaybook(
  source: string,
  sourceName: string,
  actions: readonly string[],
): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const report = (path: (string | number)[], message: string, code: string): void => {
    const pos = positionOf(doc, lines, path);
    diagnostics.push({
      severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
      message,
      source: sourceName,
      path: formatPath(path),
      line: pos.line,
      column: pos.col,
      code,
    });
  };
  for (const error of doc.errors) {
    const pos = error.linePos?.[0];
    diagnostics.push({
      severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
      message: `YAML: ${error.message.split('\n')[0]}`,
      source: sourceName,
      path: '',
      line: pos?.line ?? 0,
      column: pos?.col ?? 0,
      code: 'yaml-syntax',
    });
  }
  if (diagnostics.length > 0) return { playbook: undefined, diagnostics };
  const raw: unknown = doc.toJS();
  if (!validateSchema(raw)) {
    for (const error of simplify(validateSchema.errors ?? [])) {
      const path = pathOf(error);
      report(path, schemaMessage(error), 'schema');
    }
    return { playbook: undefined, diagnostics };
  }
  const playbook = raw as unknown as RawPlaybook;
  checkSteps(playbook, actions, report);
  if (diagnostics.length > 0) return { playbook: undefined, diagnostics };
  const plan: WorkflowPlan = {
    steps: playbook.steps.map(compileStep),
    onFailure: (playbook.on_failure ?? []).map(compileStep),
    timeoutMs: playbook.timeout_ms ?? 0,
  };
  try {
    checkPlan(plan, `playbook ${playbook.id}`);
  } catch (err) {
    report(['steps'], errorMessage(err), 'step-graph');
    return { playbook: undefined, diagnostics };
  }
  const alert = playbook.trigger?.alert;
  return {
    diagnostics,
    playbook: {
      id: playbook.id,
      name: playbook.name ?? playbook.id,
      description: playbook.description ?? '',
      enabled: playbook.enabled ?? true,
      manual: playbook.trigger?.manual ?? true,
      alert: alert
        ? {
            ...(alert.min_severity ? { minSeverity: alert.min_severity } : {}),
            ruleIds: alert.rule_ids ?? [],
            attackTechniqueIds: alert.attack_technique_ids ?? [],
            detectorKinds: alert.detector_kinds ?? [],
            labels: alert.labels ?? {},
          }
        : undefined,
      plan,
      source,
      sha256: createHash('sha256').update(source).digest(),
    },
  };
}

type Report = (path: (string | number)[], message: string, code: string) => void;

function checkSteps(playbook: RawPlaybook, actions: readonly string[], report: Report): void {
  const phases: ['steps' | 'on_failure', RawStep[]][] = [
    ['steps', playbook.steps],
    ['on_failure', playbook.on_failure ?? []],
  ];
  const allIds = new Set<string>();
  for (const [phase, steps] of phases) {
    steps.forEach((step, index) => {
      if (allIds.has(step.id))
        report([phase, index, 'id'], `step id '${step.id}' is used twice`, 'duplicate-step');
      allIds.add(step.id);
    });
  }
  for (const [phase, steps] of phases) {
    const local = new Set(steps.map((s) => s.id));
    steps.forEach((step, index) => {
      if (step.action !== undefined && !actions.includes(step.action)) {
        const near = closest(step.action, actions);
        report(
          [phase, index, 'action'],
          `unknown action '${step.action}'${near ? ` (did you mean ${near}?)` : ''}; known: ${actions.join(', ')}`,
          'unknown-action',
        );
      }
      (step.needs ?? []).forEach((need, n) => {
        if (!local.has(need)) {
          report(
            [phase, index, 'needs', n],
            `needs '${need}', which is not a step of ${phase}`,
            'unknown-need',
          );
        }
      });
      const checkRef = (ref: string, path: (string | number)[]): void => {
        if (ref.startsWith('steps.')) {
          const id = ref.slice('steps.'.length).split('.')[0] ?? '';
          if (!allIds.has(id))
            report(
              path,
              `\${${ref}} refers to step '${id}', which does not exist`,
              'unknown-reference',
            );
          return;
        }
        if (ref.startsWith('failure.') && phase === 'on_failure') return;
        if (!REFERENCE_ROOTS.some((root) => ref.startsWith(root))) {
          report(
            path,
            `\${${ref}} is not a reference this playbook can read (alert.*, inputs.*, workflow.*, steps.<id>.*${phase === 'on_failure' ? ', failure.*' : ''})`,
            'unknown-reference',
          );
        }
      };
      for (const [key, value] of Object.entries(step.params ?? {})) {
        for (const ref of referencesOf(String(value))) checkRef(ref, [phase, index, 'params', key]);
      }
      if (step.when !== undefined) {
        try {
          for (const ref of conditionReferences(step.when, 'when'))
            checkRef(ref, [phase, index, 'when']);
        } catch (err) {
          report([phase, index, 'when'], errorMessage(err), 'invalid-condition');
        }
      }
    });
  }
}

function compileStep(step: RawStep): PlanStep {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(step.params ?? {})) params[key] = String(value);
  return {
    id: step.id,
    kind: step.action !== undefined ? 'action' : 'sleep',
    ...(step.action !== undefined ? { action: step.action } : {}),
    ...(step.sleep_ms !== undefined ? { sleepMs: step.sleep_ms } : {}),
    params,
    needs: step.needs ?? [],
    ...(step.when !== undefined ? { condition: step.when } : {}),
    retry: {
      maxAttempts: step.retry?.max_attempts ?? DEFAULT_RETRY.maxAttempts,
      initialBackoffMs: step.retry?.initial_backoff_ms ?? DEFAULT_RETRY.initialBackoffMs,
      backoffCoefficient: step.retry?.backoff_coefficient ?? DEFAULT_RETRY.backoffCoefficient,
      maxBackoffMs: step.retry?.max_backoff_ms ?? DEFAULT_RETRY.maxBackoffMs,
      nonRetryableCodes: step.retry?.non_retryable ?? [],
    },
    timeoutMs: step.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    heartbeatTimeoutMs: step.heartbeat_timeout_ms ?? 0,
    ...(step.approval
      ? {
          approval: {
            signal: step.approval.signal ?? 'approve',
            timeoutMs: step.approval.timeout_ms,
          },
        }
      : {}),
    continueOnFailure: step.continue_on_failure ?? false,
  };
}

/** Drops ajv's noise: the oneOf summary when a branch error says more, duplicate paths. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const error of errors) {
    // A step with neither action nor sleep_ms fails both oneOf branches: report that once.
    if (error.keyword === 'required' && error.schemaPath.includes('oneOf')) continue;
    const key = `${error.instancePath}|${schemaMessage(error)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}

function pathOf(error: ErrorObject): (string | number)[] {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (error.keyword === 'additionalProperties') {
    path.push((error.params as { additionalProperty: string }).additionalProperty);
  }
  if (error.keyword === 'required')
    path.push((error.params as { missingProperty: string }).missingProperty);
  return path;
}

function schemaMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'`;
    case 'required':
      return `missing required field '${(error.params as { missingProperty: string }).missingProperty}'`;
    case 'oneOf':
      return "a step needs exactly one of 'action' or 'sleep_ms'";
    case 'enum':
      return `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    case 'pattern':
      return `${error.message ?? 'does not match'} (lowercase letters, digits and '-')`;
    default:
      return error.message ?? error.keyword;
  }
}

/** `steps[2].action` from ['steps', 2, 'action']. */
export function formatPath(path: (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

function positionOf(
  doc: Document,
  lines: LineCounter,
  path: (string | number)[],
): { line: number; col: number } {
  // The deepest node that exists along the path (a missing field points at its parent).
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      if (depth < path.length && (isMap(node) || isSeq(node)) && depth === path.length - 1) {
        // Point at the key when the value is the problem.
        const pair = isMap(node)
          ? node.items.find(
              (i) => String((i.key as { value?: unknown })?.value) === String(path[depth]),
            )
          : undefined;
        const keyRange = (pair?.key as { range?: number[] } | undefined)?.range;
        if (keyRange) return lines.linePos(keyRange[0] as number);
      }
      return lines.linePos(node.range[0] as number);
    }
  }
  return { line: 0, col: 0 };
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] as number;
}
