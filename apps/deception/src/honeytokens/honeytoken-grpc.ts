// The honeytoken RPCs of DeceptionService (MintHoneytoken, ListHoneytokens, RevokeHoneytoken):
// requests checked field by field (INVALID_ARGUMENT naming the field), then the registry.
import { watchedFilePath } from '@omega/bus';
import {
  HoneytokenKind,
  HoneytokenStatus,
  type DeceptionServiceService,
  type Honeytoken,
  type ListHoneytokensRequest,
  type MintHoneytokenRequest,
} from '@omega/proto';
import { Code, OmegaError, type ServiceHandlers } from '@omega/runtime';
import { requesterOf } from '@omega/trust-client';
import type { RequestIds } from '../request-ids';
import type { NewHoneytoken } from './honeytoken-mint';
import { HONEYTOKEN_ID, kindName } from './honeytoken-record';
import type { HoneytokenRegistry } from './honeytoken-registry';

export const HONEYTOKEN_LIMITS = {
  nameChars: 253,
  placementChars: 256,
  labels: 32,
  labelKeyChars: 63,
  labelValueChars: 256,
  reasonChars: 512,
  requestIdChars: 128,
  /** Ten years: longer is a mistake, 0 means never. */
  maxTtlSeconds: 10 * 365 * 24 * 3600,
  defaultPageSize: 100,
  maxPageSize: 1000,
} as const;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const USERNAME = /^[A-Za-z0-9._@+-]{1,64}$/;
const LABEL_KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const KUBERNETES_KINDS = new Set([
  HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET,
  HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
]);

function invalid(method: string, field: string, why: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `${method}: ${field}: ${why}`);
}

function checkNamespace(method: string, namespace: string, required: boolean): void {
  if (namespace === '') {
    if (required) throw invalid(method, 'namespace', 'required for Kubernetes kinds');
    return;
  }
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    throw invalid(
      method,
      'namespace',
      `"${namespace.slice(0, 80)}" is not a DNS-1123 label (lowercase letters, digits and "-", at most 63)`,
    );
  }
}

function checkText(method: string, field: string, value: string, maxChars: number): void {
  if (value.length > maxChars) throw invalid(method, field, `longer than ${maxChars} characters`);
  if (CONTROL.test(value)) throw invalid(method, field, 'contains a control character');
}

/** A MintHoneytoken request checked and made a NewHoneytoken (the requester added by the caller). */
export function validMint(request: MintHoneytokenRequest): Omit<NewHoneytoken, 'requester'> {
  const method = 'MintHoneytoken';
  const { kind, name } = request;
  if (kind === HoneytokenKind.HONEYTOKEN_KIND_UNSPECIFIED || HoneytokenKind[kind] === undefined) {
    throw invalid(method, 'kind', `${HoneytokenKind[kind] ?? kind} is not a kind to mint`);
  }
  if (name === '') throw invalid(method, 'name', 'required');
  if (kind === HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL && !USERNAME.test(name)) {
    throw invalid(method, 'name', 'a username: 1 to 64 of letters, digits and ._@+-');
  }
  if (KUBERNETES_KINDS.has(kind) && (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))) {
    throw invalid(method, 'name', `"${name.slice(0, 80)}" is not a DNS-1123 subdomain`);
  }
  // a file's name is where it goes: a path a sentinel can watch (absolute, normalized)
  if (kind === HoneytokenKind.HONEYTOKEN_KIND_FILE) watchedFilePath(name, `${method}: name`);
  checkText(method, 'name', name, HONEYTOKEN_LIMITS.nameChars);
  checkNamespace(method, request.namespace, KUBERNETES_KINDS.has(kind));
  checkText(method, 'placement', request.placement, HONEYTOKEN_LIMITS.placementChars);
  const labels = Object.entries(request.labels);
  if (labels.length > HONEYTOKEN_LIMITS.labels) {
    throw invalid(method, 'labels', `${labels.length} labels, at most ${HONEYTOKEN_LIMITS.labels}`);
  }
  for (const [key, value] of labels) {
    if (key.length > HONEYTOKEN_LIMITS.labelKeyChars || !LABEL_KEY.test(key)) {
      throw invalid(method, `labels["${key.slice(0, 80)}"]`, 'not a label key');
    }
    checkText(method, `labels["${key}"]`, value, HONEYTOKEN_LIMITS.labelValueChars);
  }
  if (request.ttlSeconds > HONEYTOKEN_LIMITS.maxTtlSeconds) {
    throw invalid(
      method,
      'ttl_seconds',
      `${request.ttlSeconds} is past ${HONEYTOKEN_LIMITS.maxTtlSeconds} (ten years); 0 = never expires`,
    );
  }
  checkText(method, 'request_id', request.requestId, HONEYTOKEN_LIMITS.requestIdChars);
  return {
    kind,
    name,
    namespace: request.namespace,
    placement: request.placement,
    labels: request.labels,
    plant: request.plant,
    ttlSeconds: request.ttlSeconds,
    requestId: request.requestId,
  };
}

/** A page token: where the last page ended (create time and id, in list order). */
function pageToken(token: Honeytoken): string {
  return Buffer.from(`${token.createTimeNs}:${token.id}`).toString('base64url');
}

function pageStart(list: Honeytoken[], token: string): number {
  if (token === '') return 0;
  const [time, id, extra] = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (time === undefined || !/^\d+$/.test(time) || !HONEYTOKEN_ID.test(id ?? '') || extra) {
    throw invalid('ListHoneytokens', 'page_token', 'not a token this service gave');
  }
  const afterNs = BigInt(time);
  const start = list.findIndex(
    (t) => t.createTimeNs < afterNs || (t.createTimeNs === afterNs && t.id > id!),
  );
  return start === -1 ? list.length : start;
}

export function listPage(registry: HoneytokenRegistry, request: ListHoneytokensRequest) {
  const method = 'ListHoneytokens';
  if (request.kind !== 0 && HoneytokenKind[request.kind] === undefined) {
    throw invalid(method, 'kind', `${request.kind} is not a kind`);
  }
  if (request.status !== 0 && HoneytokenStatus[request.status] === undefined) {
    throw invalid(method, 'status', `${request.status} is not a status`);
  }
  checkNamespace(method, request.namespace, false);
  if (request.pageSize > HONEYTOKEN_LIMITS.maxPageSize) {
    throw invalid(method, 'page_size', `at most ${HONEYTOKEN_LIMITS.maxPageSize}`);
  }
  const size = request.pageSize === 0 ? HONEYTOKEN_LIMITS.defaultPageSize : request.pageSize;
  const list = registry.list({
    ...(request.kind !== 0 ? { kind: request.kind } : {}),
    ...(request.namespace !== '' ? { namespace: request.namespace } : {}),
    ...(request.status !== 0 ? { status: request.status } : {}),
  });
  const start = pageStart(list, request.pageToken);
  const honeytokens = list.slice(start, start + size);
  const last = honeytokens.at(-1);
  return {
    honeytokens,
    nextPageToken: start + size < list.length && last !== undefined ? pageToken(last) : '',
  };
}

/**
 * A repeated request_id cannot get the secret again (it is shown once and never kept): it is
 * ALREADY_EXISTS naming the honeytoken the first call minted.
 */
function alreadyMinted(registry: HoneytokenRegistry, requestId: string, id: string): OmegaError {
  const token = registry.get(id);
  const what = token ? ` (${kindName(token.kind)} "${token.name}")` : '';
  return new OmegaError(
    Code.AlreadyExists,
    `MintHoneytoken: request_id "${requestId.slice(0, 64)}" already minted honeytoken ${id}${what}; its secret was shown only to that call. Use that honeytoken, or revoke it and mint with a new request_id`,
  );
}

export function honeytokenGrpcHandlers(
  registry: HoneytokenRegistry,
  /** Makes MintHoneytoken idempotent on request_id (omega_tokens request.<digest>). */
  requests?: RequestIds,
): Pick<
  ServiceHandlers<typeof DeceptionServiceService>,
  'mintHoneytoken' | 'listHoneytokens' | 'revokeHoneytoken'
> {
  return {
    mintHoneytoken: async (request, ctx) => {
      const valid = validMint(request);
      const requester = requesterOf(ctx.peer);
      const claim =
        requests !== undefined && valid.requestId !== ''
          ? await requests.claim(requester, valid.requestId)
          : undefined;
      if (claim?.done === true) throw alreadyMinted(registry, valid.requestId, claim.id);
      let minted;
      try {
        minted = await registry.mint({ ...valid, requester });
      } catch (err) {
        await claim?.release();
        throw err;
      }
      await claim?.complete(minted.honeytoken.id);
      return {
        honeytoken: minted.honeytoken,
        secretValue: minted.secretValue,
        secretId: minted.secretId,
        fileContent: Buffer.from(minted.fileContent, 'utf8'),
      };
    },
    listHoneytokens: (request) => listPage(registry, request),
    revokeHoneytoken: async (request, ctx) => {
      const method = 'RevokeHoneytoken';
      if (!HONEYTOKEN_ID.test(request.honeytokenId)) {
        throw invalid(method, 'honeytoken_id', 'required: 16 lowercase hex digits');
      }
      checkText(method, 'reason', request.reason, HONEYTOKEN_LIMITS.reasonChars);
      checkText(method, 'request_id', request.requestId, HONEYTOKEN_LIMITS.requestIdChars);
      const honeytoken = await registry.revoke(
        request.honeytokenId,
        request.reason,
        requesterOf(ctx.peer),
        request.requestId,
      );
      return { honeytoken };
    },
  };
}
