// Per-method authorization for a service serving mutual TLS: the revocation watch on
// `omega_identities` and the permission-table check (callAuthorizer) installed on the service
// before build() adds its gRPC services, so every method of every one of them is checked.
import { Counter } from 'prom-client';
import type { Bus } from '@omega/bus';
import { Code, OmegaError, codeName, grpcCallLabels, type Service } from '@omega/runtime';
import {
  IDENTITIES_BUCKET,
  callAuthorizer,
  parseSubject,
  type CredentialSource,
} from '@omega/trust-client';
import { watchRevocations } from './revocation-watch';

export const CALLS_REFUSED_METRIC = 'omega_authz_calls_refused_total';
export const UNREADABLE_RECORDS_METRIC = 'omega_authz_unreadable_identity_records_total';

export interface CallAuthorization {
  /** Names the credentials the server presents: its trust bundle and cluster apply from then on. */
  serveAs(source: CredentialSource): void;
}

/**
 * Starts the revocation watch, waits until it has read the records already stored and installs
 * the table check on `service`. Until `serveAs` names the server's credentials (they may be built
 * by build()), calls are refused as UNAVAILABLE; the server does not listen before then anyway.
 */
export async function enableCallAuthorization(
  service: Service<unknown>,
  bus: Bus,
): Promise<CallAuthorization> {
  const refused = new Counter({
    name: CALLS_REFUSED_METRIC,
    help: 'gRPC calls refused by the method permission table, by method and status code',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code'],
    registers: [service.metrics],
  });
  const unreadable = new Counter({
    name: UNREADABLE_RECORDS_METRIC,
    help: 'Records in omega_identities the revocation watch could not read (skipped)',
    registers: [service.metrics],
  });
  const watch = await watchRevocations({
    kv: await bus.kv(IDENTITIES_BUCKET),
    logger: service.logger,
    onUnreadable: () => unreadable.inc(),
  });
  service.onShutdown('revocation watch', async () => watch.stop());
  await watch.initialized;
  let serving: CredentialSource | undefined;
  const current = () => {
    if (serving === undefined) {
      throw new OmegaError(Code.Unavailable, `${service.name} is starting; retry`);
    }
    return serving.current();
  };
  service.useCallAuthorization(
    callAuthorizer({
      trustBundlePem: () => current().trustBundlePem,
      cluster: () => parseSubject(current().subject).cluster,
      revocation: (subject, serial) => watch.revoked.refusal(subject, serial),
      onRefused: (refusal, call) => {
        refused.inc(grpcCallLabels(call.method, refusal.code));
        service.logger.warn(
          { method: call.method, peer: call.address, code: codeName(refusal.code) },
          `call refused: ${refusal.message}`,
        );
      },
    }),
  );
  return { serveAs: (source) => (serving = source) };
}

/** Said once at start when a service serves without mutual TLS: nobody's identity is checked. */
export function warnAuthorizationOff(service: Service<unknown>): void {
  service.logger.warn(
    { tls: false, authorization: 'off' },
    `AUTHORIZATION IS OFF: ${service.name} serves gRPC without mutual TLS (tls.enabled=false), so no caller has an identity and every method answers anyone. Development only: set tls.enabled=true`,
  );
}
