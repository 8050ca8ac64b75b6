// Trust's own identity for serving mutual TLS: it enrolls with its own issuer in-process (a join
// token it mints for itself), so its certificate is issued, logged and renewed like any other.
import type { Logger } from '@omega/runtime';
import {
  CredentialRenewal,
  credentialsFrom,
  enroll,
  renewalRequest,
  type CredentialSource,
} from '@omega/trust-client';
import type { IdentityService } from './identity-grpc';
import { mintJoinToken } from './join-tokens';

const SELF_TOKEN_TTL_SECONDS = 60;

export interface SelfIdentity extends CredentialSource {
  readonly subject: string;
  stop(): void;
}

export async function enrollSelf(
  identity: Pick<IdentityService, 'store' | 'issuer'>,
  logger: Logger,
  clock: () => number = Date.now,
): Promise<SelfIdentity> {
  const token = await mintJoinToken(identity.store, {
    kind: 'service',
    name: 'trust',
    ttlSeconds: SELF_TOKEN_TTL_SECONDS,
    nowMs: clock(),
  });
  const credentials = await enroll({
    trustAddress: 'in-process',
    subjectKind: 'service',
    name: 'trust',
    joinToken: token.token,
    issue: (request) => identity.issuer.issue(request),
  });
  const renewal = new CredentialRenewal(credentials, {
    trustAddress: 'in-process',
    clock,
    onError: (err) => logger.warn({ err }, err.message),
    renewOnce: async (current) => {
      const renewed = await identity.issuer.renew(renewalRequest(current, { nowMs: clock() }));
      return credentialsFrom(
        renewed.identity,
        renewed.credential,
        current.secretKey,
        current.mlDsa,
        current.tlsPrivateKey,
      );
    },
  }).start();
  logger.info({ subject: credentials.subject }, 'trust serves mutual TLS as its own identity');
  return {
    subject: credentials.subject,
    current: () => renewal.current(),
    onRenewed: (listener) => renewal.onRenewed(listener),
    stop: () => renewal.stop(),
  };
}
