// What kube-apiserver's webhooks tell about Kubernetes honeytokens: a read of a planted Secret (the
// audit webhook) and a planted service-account token presented as a bearer token (the token
// webhook, always answered "not authenticated"). Each is a TOKEN_USE interaction naming the token,
// who and from where, recorded the way canary URL uses are (omega.deception.kube-audit and
// omega.deception.kube-token).
import { randomUUID } from 'node:crypto';
import { InteractionKind } from '@omega/proto';
import type { InteractionRecorder } from '../honeypots/honeypot';
import { kubernetesTokenLookup, secretLookup } from './honeytoken-lookups';
import type { HoneytokenRegistry } from './honeytoken-registry';
import { describeSecretRead, secretReads, type SecretRead } from './kube-audit-events';
import { notAuthenticated, tokenReview } from './kube-token-review';
import type { WebhookHandler } from './kube-webhook-server';

/** The decoy ids (and subjects omega.deception.<id>) of the two channels. */
export const KUBE_AUDIT_DECOY_ID = 'kube-audit';
export const KUBE_TOKEN_DECOY_ID = 'kube-token';

/** Bytes of a read's description kept in the interaction's payload_sample. */
const SAMPLE_BYTES = 4096;
/** Audit ids remembered, so a watch's later stages or a retried batch are not counted twice. */
const SEEN_AUDIT_IDS = 10_000;

export type SecretReadOutcome = 'honeytoken' | 'other' | 'ignored' | 'repeated';

export interface AuditWebhookOptions {
  readonly registry: Pick<HoneytokenRegistry, 'recognize'>;
  readonly recorder: InteractionRecorder;
  /** Users whose reads are not touches (exact names). */
  readonly ignoreUsers: readonly string[];
  /** Whether a list or watch of a planted Secret's namespace counts as reading it. */
  readonly listReads: boolean;
  readonly onRead?: (outcome: SecretReadOutcome) => void;
}

/** The `/audit` handler: records every honeytoken Secret read in the batch; answers `{}`. */
export function auditWebhook(options: AuditWebhookOptions): WebhookHandler {
  const ignored = new Set(options.ignoreUsers);
  const seen = new Set<string>();
  const firstSight = (auditId: string): boolean => {
    if (auditId === '') return true;
    if (seen.has(auditId)) return false;
    if (seen.size >= SEEN_AUDIT_IDS) seen.delete(seen.values().next().value!);
    seen.add(auditId);
    return true;
  };
  const touched = (read: SecretRead): string[] => {
    if (read.name === '' && !options.listReads) return [];
    return options.registry.recognize(
      secretLookup(read.namespace, read.name === '' ? undefined : read.name),
    );
  };
  return (body) => {
    for (const read of secretReads(body)) {
      if (ignored.has(read.username)) {
        options.onRead?.('ignored');
        continue;
      }
      if (!firstSight(read.auditId)) {
        options.onRead?.('repeated');
        continue;
      }
      const ids = touched(read);
      options.onRead?.(ids.length > 0 ? 'honeytoken' : 'other');
      const request = describeSecretRead(read);
      for (const honeytokenId of ids) {
        options.recorder.record({
          kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
          source: { ip: read.sourceIps[0] ?? '', port: 0 },
          protocol: 'kubernetes-audit',
          sessionId: read.auditId || randomUUID(),
          username: read.username,
          request,
          payloadSample: Buffer.from(JSON.stringify(read)).subarray(0, SAMPLE_BYTES),
          honeytokenId,
        });
      }
    }
    return {};
  };
}

export interface TokenWebhookOptions {
  readonly registry: Pick<HoneytokenRegistry, 'recognize'>;
  readonly recorder: InteractionRecorder;
  readonly onReview?: (honeytoken: boolean) => void;
}

/**
 * The `/authenticate` handler: never authenticates; a planted token is recorded. TokenReview
 * carries only the token, so the client's address is the API server's to tell (its audit log
 * holds the refused request); the source is left empty rather than naming the API server, which
 * a response playbook would otherwise block.
 */
export function tokenWebhook(options: TokenWebhookOptions): WebhookHandler {
  return (body, peer) => {
    const review = tokenReview(body);
    const ids = options.registry.recognize(kubernetesTokenLookup(review.token));
    options.onReview?.(ids.length > 0);
    for (const honeytokenId of ids) {
      options.recorder.record({
        kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
        source: { ip: '', port: 0 },
        protocol: 'kubernetes-token',
        sessionId: randomUUID(),
        request: `bearer token presented to the Kubernetes API server (webhook client ${peer.clientName || peer.ip}${review.audiences.length > 0 ? `, audiences ${review.audiences.join(',')}` : ''}); refused`,
        honeytokenId,
      });
    }
    return notAuthenticated(review.apiVersion);
  };
}
