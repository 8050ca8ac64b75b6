// The identity half of omega.v1.TrustService as plain async handlers, built from the trust root key,
// the bus (KV `omega_identities`) and the audit log; main.ts merges them into the service.
import { writeFile } from 'node:fs/promises';
import type { Bus } from '@omega/bus';
import { Code, OmegaError, type Logger, type UnaryHandler } from '@omega/runtime';
import { callerSubject } from '@omega/trust-client';
import {
  IdentityStatus,
  type GetIdentityRequest,
  type GetIdentityResponse,
  type IssueIdentityRequest,
  type IssueIdentityResponse,
  type ListIdentitiesRequest,
  type ListIdentitiesResponse,
  type RenewIdentityRequest,
  type RenewIdentityResponse,
  type RevokeIdentityRequest,
  type RevokeIdentityResponse,
  type VerifyBatchRequest,
  type VerifyBatchResponse,
  type VerifySignatureRequest,
  type VerifySignatureResponse,
} from '@omega/proto';
import {
  HybridSigner,
  loadMlDsaBackend,
  type HybridSecretKey,
  type MlDsaBackend,
} from '@omega/crypto';
import {
  parseJoinTokenSpec,
  mintJoinToken,
  writeJoinTokenFile,
  type MintedJoinToken,
} from './join-tokens';
import type { AuditAppender } from './audit-appender';
import type { IdentityConfig } from './identity-config';
import { IdentityIssuer } from './identity-issuer';
import { IdentityStore } from './identity-store';
import { IdentityVerifier, currentView } from './identity-verifier';
import { GatewayTokenVerifier } from './gateway-token-verifier';
import { KubernetesAttestor } from './kubernetes-attestor';
import { TlsAuthority } from './tls-authority';
import type { IdentityMetrics } from '../trust-metrics';

export interface IdentityServiceDeps {
  readonly bus: Pick<Bus, 'kv'>;
  /** The trust root hybrid key (KeyStore `root`). */
  readonly rootKey: HybridSecretKey;
  readonly audit: AuditAppender;
  readonly logger: Logger;
  readonly config: IdentityConfig;
  readonly mlDsa?: MlDsaBackend;
  readonly clock?: () => number;
  /** Replaces the in-cluster TokenReview client (tests point it at a stand-in API server). */
  readonly kubernetes?: KubernetesAttestor;
  readonly metrics?: IdentityMetrics;
}

/** Keys are the TrustServiceService definition's (camelCase). */
export interface IdentityHandlers {
  issueIdentity: UnaryHandler<IssueIdentityRequest, IssueIdentityResponse>;
  renewIdentity: UnaryHandler<RenewIdentityRequest, RenewIdentityResponse>;
  revokeIdentity: UnaryHandler<RevokeIdentityRequest, RevokeIdentityResponse>;
  getIdentity: UnaryHandler<GetIdentityRequest, GetIdentityResponse>;
  listIdentities: UnaryHandler<ListIdentitiesRequest, ListIdentitiesResponse>;
  verifyBatch: UnaryHandler<VerifyBatchRequest, VerifyBatchResponse>;
  verifySignature: UnaryHandler<VerifySignatureRequest, VerifySignatureResponse>;
}

/** Everything identity code builds, for main.ts and tests. */
export interface IdentityService {
  readonly handlers: IdentityHandlers;
  readonly store: IdentityStore;
  readonly issuer: IdentityIssuer;
  readonly verifier: IdentityVerifier;
  readonly gatewayTokens: GatewayTokenVerifier;
  readonly tlsAuthority: TlsAuthority;
  /** Tokens minted at startup (identity.joinTokens.startup), also written to joinTokens.file. */
  readonly startupJoinTokens: readonly MintedJoinToken[];
  /** Stops the nonce sweeper. */
  close(): void;
}

const NONCE_SWEEP_INTERVAL_MS = 60_000;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export async function createIdentityService(deps: IdentityServiceDeps): Promise<IdentityService> {
  const clock = deps.clock ?? Date.now;
  const { config, logger } = deps;
  const mlDsa = deps.mlDsa ?? (await loadMlDsaBackend('liboqs'));
  const store = new IdentityStore(await deps.bus.kv('omega_identities'));
  const tlsAuthority = await TlsAuthority.fromRootKey(deps.rootKey, config.cluster);
  const verifier = new IdentityVerifier(store, deps.rootKey.publicKey, mlDsa);
  const kubernetes =
    deps.kubernetes ??
    (config.kubernetes.enabled
      ? new KubernetesAttestor({
          ...(config.kubernetes.apiServerUrl
            ? { apiServerUrl: config.kubernetes.apiServerUrl }
            : {}),
          tokenPath: config.kubernetes.tokenPath,
          caPath: config.kubernetes.caPath,
          audience: config.kubernetes.audience,
          namespaces: config.kubernetes.namespaces,
        })
      : undefined);
  const issuer = new IdentityIssuer({
    store,
    rootSigner: new HybridSigner(deps.rootKey, mlDsa),
    mlDsa,
    tlsAuthority,
    audit: deps.audit,
    verifier,
    config,
    clock,
    ...(kubernetes ? { kubernetes } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const gatewayTokens = new GatewayTokenVerifier(store, verifier, {
    clockSkewMs: config.gatewayTokens.clockSkewSeconds * 1000,
  });

  const startupJoinTokens: MintedJoinToken[] = [];
  for (const spec of config.joinTokens.startup) {
    const { kind, name } = parseJoinTokenSpec(spec);
    startupJoinTokens.push(
      await mintJoinToken(store, {
        kind,
        name,
        ttlSeconds: config.joinTokens.ttlSeconds,
        nowMs: clock(),
      }),
    );
  }
  if (config.joinTokens.file !== undefined && startupJoinTokens.length > 0) {
    await writeJoinTokenFile(config.joinTokens.file, startupJoinTokens);
    logger.info(
      { file: config.joinTokens.file, count: startupJoinTokens.length },
      'join tokens written',
    );
  }

  if (config.trustBundleFile !== undefined) {
    await writeFile(config.trustBundleFile, tlsAuthority.caCertificatePem, { mode: 0o644 });
    logger.info({ file: config.trustBundleFile }, 'trust CA certificate written');
  }

  const sweeper = setInterval(() => {
    store
      .sweepNonces(clock())
      .catch((err: unknown) => logger.warn({ err }, 'gateway-token nonce sweep failed'));
  }, NONCE_SWEEP_INTERVAL_MS);
  sweeper.unref();

  const handlers: IdentityHandlers = {
    issueIdentity: async (request) => {
      const issued = await issuer.issue(request);
      logger.info(
        { identity: issued.identity.id, keyId: issued.identity.keys[0]?.keyId },
        'identity issued',
      );
      return issued;
    },
    renewIdentity: async (request, ctx) => {
      const renewed = await issuer.renew(request, callerSubject(ctx.peer));
      logger.info({ identity: renewed.identity.id }, 'identity renewed');
      return renewed;
    },
    revokeIdentity: async (request) => {
      const { identity, audit } = await issuer.revoke(request);
      logger.warn(
        { identity: identity.id, keyId: request.keyId || undefined, reason: request.reason },
        'identity revoked',
      );
      return { identity, ...(audit ? { audit } : {}) };
    },
    getIdentity: async (request) => {
      const lookup = request.lookup;
      if (lookup === undefined)
        throw new OmegaError(Code.InvalidArgument, 'GetIdentity: set identity_id or key_id');
      const subject =
        lookup.$case === 'identityId' ? lookup.value : await store.subjectOfKey(lookup.value);
      const stored = subject === undefined ? undefined : await store.get(subject);
      if (stored === undefined) {
        throw new OmegaError(
          Code.NotFound,
          `GetIdentity: no identity with ${lookup.$case === 'identityId' ? 'id' : 'key id'} ${lookup.value.slice(0, 200)}`,
        );
      }
      return { identity: currentView(stored.record.identity, clock()) };
    },
    listIdentities: async (request) => {
      const pageSize = Math.min(request.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      const after = request.pageToken
        ? Buffer.from(request.pageToken, 'base64url').toString('utf8')
        : undefined;
      const nowMs = clock();
      const identities = [];
      let cursor = after;
      // Filters apply after reading, so a page may need several reads to fill.
      for (;;) {
        const page = await store.list(cursor, pageSize);
        for (const record of page.records) {
          const identity = currentView(record.identity, nowMs);
          if (request.kind !== 0 && identity.kind !== request.kind) continue;
          if (
            request.status !== IdentityStatus.IDENTITY_STATUS_UNSPECIFIED &&
            identity.status !== request.status
          )
            continue;
          identities.push(identity);
        }
        if (page.lastKey === undefined || identities.length >= pageSize) {
          return {
            identities,
            nextPageToken:
              page.lastKey === undefined
                ? ''
                : Buffer.from(page.lastKey, 'utf8').toString('base64url'),
          };
        }
        cursor = page.lastKey;
      }
    },
    verifyBatch: (request) => verifier.verifyBatch(request.batch, clock()),
    verifySignature: (request) => verifier.verifySignature(request, clock()),
  };

  return {
    handlers,
    store,
    issuer,
    verifier,
    gatewayTokens,
    tlsAuthority,
    startupJoinTokens,
    close: () => clearInterval(sweeper),
  };
}
