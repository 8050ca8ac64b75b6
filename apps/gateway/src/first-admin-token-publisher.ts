// Runs publishFirstAdminToken at start without holding up readiness: retried with backoff while
// the API server or trust cannot be reached, stopped when the gateway drains.
import { errorMessage, type Service } from '@omega/runtime';
import { podNamespace, type KubeTarget } from '@omega/kube';
import type { KV } from '@omega/bus';
import { FIRST_TOKEN_MARKER, publishFirstAdminToken } from './first-admin-token';
import type { GatewayServiceConfig } from './gateway-service';
import type { TokenRegistry } from './token-registry';

const ATTEMPTS = 10;
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;

export async function firstAdminTokenInBackground(
  service: Service<GatewayServiceConfig>,
  tokens: TokenRegistry,
  kv: KV,
  actor: string,
  target: KubeTarget = {},
): Promise<void> {
  const config = service.config.gateway;
  const { logger } = service;
  let waitMs = FIRST_RETRY_MS;
  for (let attempt = 1; attempt <= ATTEMPTS && !service.draining.aborted; attempt++) {
    try {
      const namespace = config.firstAdminToken.namespace || (await podNamespace());
      const outcome = await publishFirstAdminToken({
        secret: { ...target, namespace, secretName: config.firstAdminToken.kubernetesSecret },
        claim: async () => {
          try {
            await kv.create(FIRST_TOKEN_MARKER, new TextEncoder().encode(new Date().toISOString()));
            return true;
          } catch (err) {
            if ((await kv.get(FIRST_TOKEN_MARKER))?.operation === 'PUT') return false;
            throw err;
          }
        },
        release: async () => void (await kv.delete(FIRST_TOKEN_MARKER)),
        mint: async () => {
          const { info, secret } = await tokens.create({
            subject: 'user:admin',
            roles: ['admin'],
            description: 'first admin token (Kubernetes Secret)',
            ttlSeconds: config.tokens.maxTtlSeconds,
            createdBy: actor,
            requestId: 'first-admin-token',
          });
          return { id: info.id, secret };
        },
        revoke: async (id, reason) => void (await tokens.revoke(id, reason, actor)),
        logger,
      });
      if (outcome !== 'written') logger.info(`first admin token: ${outcome}; nothing to do`);
      return;
    } catch (err) {
      logger.error(
        { err, attempt },
        `first admin token not written (attempt ${attempt} of ${ATTEMPTS}): ${errorMessage(err)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
      waitMs = Math.min(waitMs * 2, MAX_RETRY_MS);
    }
  }
}
