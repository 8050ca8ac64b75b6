// Kubernetes audit events as kube-apiserver's audit webhook posts them (an audit.k8s.io/v1
// EventList), reduced to what a honeytoken needs (pure): each read of a Secret, who read it and
// from where. Anything malformed is refused naming the item and field; a batch is bounded.
import { Code, OmegaError } from '@omega/runtime';

export const AUDIT_LIMITS = {
  /** Events in one batch (kube-apiserver's --audit-webhook-batch-max-size defaults to 400). */
  maxEvents: 2_000,
  /** Characters kept of any one string field (user names, user agents, URIs). */
  maxFieldChars: 1_024,
  maxGroups: 64,
  maxSourceIps: 16,
} as const;

export type SecretReadVerb = 'get' | 'list' | 'watch';

export interface SecretRead {
  readonly auditId: string;
  readonly verb: SecretReadVerb;
  /** '' for a cluster-wide list or watch. */
  readonly namespace: string;
  /** '' for a list or watch. */
  readonly name: string;
  readonly username: string;
  readonly groups: readonly string[];
  /** The user an impersonating request acted as, if any. */
  readonly impersonatedUser: string;
  /** The client's addresses, nearest last hop first as kube-apiserver lists them. */
  readonly sourceIps: readonly string[];
  readonly userAgent: string;
  readonly requestUri: string;
  /** The answer's HTTP status (0 when the event has none yet). */
  readonly code: number;
  readonly stage: string;
}

const READ_VERBS: ReadonlySet<string> = new Set<SecretReadVerb>(['get', 'list', 'watch']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(where: string, what: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `audit EventList ${where}: ${what}`);
}

function text(object: Json, field: string, where: string): string {
  const value = object[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(`${where}.${field}`, `not a string`);
  return value.slice(0, AUDIT_LIMITS.maxFieldChars);
}

function texts(object: Json, field: string, where: string, max: number): string[] {
  const value = object[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${where}.${field}`, 'not a list');
  return value.slice(0, max).map((item, i) => {
    if (typeof item !== 'string') throw invalid(`${where}.${field}[${i}]`, 'not a string');
    return item.slice(0, AUDIT_LIMITS.maxFieldChars);
  });
}

function object(parent: Json, field: string, where: string): Json {
  const value = parent[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(`${where}.${field}`, 'not an object');
  return value;
}

/**
 * Whether this stage of an event is the one that says the Secret was read: the answer's end for a
 * get or list, its start for a watch (whose end may come hours later); a panic too.
 */
function readStage(verb: string, stage: string): boolean {
  if (stage === 'Panic') return true;
  return verb === 'watch' ? stage === 'ResponseStarted' : stage === 'ResponseComplete';
}

/** The Secret reads in an EventList body (parsed JSON); throws INVALID_ARGUMENT naming the field. */
export function secretReads(body: unknown): SecretRead[] {
  if (!isObject(body)) throw invalid('body', 'not a JSON object');
  if (body['kind'] !== 'EventList') {
    throw invalid('kind', `${JSON.stringify(body['kind'])}, expected "EventList"`);
  }
  if (body['apiVersion'] !== 'audit.k8s.io/v1') {
    throw invalid(
      'apiVersion',
      `${JSON.stringify(body['apiVersion'])}, expected "audit.k8s.io/v1" (--audit-webhook-version)`,
    );
  }
  const items = body['items'] ?? [];
  if (!Array.isArray(items)) throw invalid('items', 'not a list');
  if (items.length > AUDIT_LIMITS.maxEvents) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `audit EventList items: ${items.length} events, more than the ${AUDIT_LIMITS.maxEvents} a batch may hold; lower kube-apiserver's --audit-webhook-batch-max-size`,
    );
  }
  const reads: SecretRead[] = [];
  items.forEach((item: unknown, i) => {
    const where = `items[${i}]`;
    if (!isObject(item)) throw invalid(where, 'not an object');
    const ref = object(item, 'objectRef', where);
    const verb = text(item, 'verb', where);
    const stage = text(item, 'stage', where);
    const refWhere = `${where}.objectRef`;
    if (text(ref, 'resource', refWhere) !== 'secrets' || text(ref, 'apiGroup', refWhere) !== '') {
      return;
    }
    if (text(ref, 'subresource', refWhere) !== '' || !READ_VERBS.has(verb)) return;
    if (!readStage(verb, stage)) return;
    const user = object(item, 'user', where);
    const impersonated = object(item, 'impersonatedUser', where);
    const status = object(item, 'responseStatus', where);
    const code = status['code'];
    if (code !== undefined && !Number.isInteger(code)) {
      throw invalid(`${where}.responseStatus.code`, 'not an integer');
    }
    reads.push({
      auditId: text(item, 'auditID', where),
      verb: verb as SecretReadVerb,
      namespace: text(ref, 'namespace', refWhere),
      name: text(ref, 'name', refWhere),
      username: text(user, 'username', `${where}.user`),
      groups: texts(user, 'groups', `${where}.user`, AUDIT_LIMITS.maxGroups),
      impersonatedUser: text(impersonated, 'username', `${where}.impersonatedUser`),
      sourceIps: texts(item, 'sourceIPs', where, AUDIT_LIMITS.maxSourceIps),
      userAgent: text(item, 'userAgent', where),
      requestUri: text(item, 'requestURI', where),
      code: typeof code === 'number' ? code : 0,
      stage,
    });
  });
  return reads;
}

/** One line saying what was read, by whom, from where, and how it was answered. */
export function describeSecretRead(read: SecretRead): string {
  const what =
    read.name !== ''
      ? `${read.verb} secret ${read.namespace}/${read.name}`
      : `${read.verb} secrets ${read.namespace === '' ? 'in all namespaces' : `in ${read.namespace}`}`;
  const parts = [
    read.impersonatedUser !== '' ? `as ${read.impersonatedUser}` : '',
    read.groups.length > 0 ? `groups ${read.groups.join(',')}` : '',
    read.sourceIps.length > 0 ? `from ${read.sourceIps.join(',')}` : '',
    read.userAgent !== '' ? `user agent ${read.userAgent}` : '',
    read.code !== 0 ? `answered ${read.code}` : '',
  ].filter((part) => part !== '');
  return `${what} by ${read.username || '(unauthenticated)'}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}
