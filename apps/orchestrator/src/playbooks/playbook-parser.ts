// Parses and checks a playbook YAML document: YAML syntax, the JSON schema (ajv), then what a
// schema cannot say (playbook-checks.ts: actions exist, needs resolve and do not cycle,
// references resolve, CEL conditions type-check, failure policies name real compensations). Every problem is a Diagnostic naming the field path, line and column; a playbook with
// any error is not compiled.
import { createHash } from 'node:crypto';
import Ajv, { type ErrorObject } from 'ajv';
import { DiagnosticSeverity, type Diagnostic } from '@omega/proto';
import { errorMessage } from '@omega/runtime';
import {
  DEFAULT_RETRY,
  PLAN_VERSION,
  checkPlan,
  type FailurePolicy,
  type PlanStep,
  type WorkflowPlan,
} from '@omega/workflow';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import { checkSteps, type RawPlaybook, type RawStep } from './playbook-checks';
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

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(PLAYBOOK_SCHEMA);
const DEFAULT_TIMEOUT_MS = 30_000;

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
    version: PLAN_VERSION,
    steps: playbook.steps.map(compileStep),
    onFailure: (playbook.on_failure ?? []).map(compileStep),
    compensations: (playbook.compensations ?? []).map(compileStep),
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
    ...policyOf(step),
  };
}

/** on_failure, with continue_on_failure: true as the alias of `continue` (checked in checks). */
function policyOf(step: RawStep): Pick<PlanStep, 'continueOnFailure' | 'onFailure' | 'compensate'> {
  const policy: FailurePolicy =
    step.on_failure ??
    (step.compensate ? 'compensate' : step.continue_on_failure ? 'continue' : 'fail');
  return {
    continueOnFailure: policy !== 'fail',
    onFailure: policy,
    ...(step.compensate ? { compensate: step.compensate } : {}),
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
