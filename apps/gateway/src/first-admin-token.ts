// The first admin token of a Kubernetes install: at its first start the gateway makes a token for
// user:admin and writes it into the Secret the chart created empty, which only an administrator of
// the namespace can read (`kubectl get secret … -o jsonpath='{.data.token}'`). Once only: a
// marker in the token bucket says it was done, so replicas and restarts never make a second one.
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import { kubeFailure, kubeRequest, kubeRequestOk, type KubeTarget } from '@omega/kube';

/** The key in omega_gateway_tokens that says the first admin token was made (not a token id). */
export const FIRST_TOKEN_MARKER = 'first-admin-token';

export interface FirstTokenSecret extends KubeTarget {
  readonly namespace: string;
  readonly secretName: string;
}

export interface FirstTokenDeps {
  readonly secret: FirstTokenSecret;
  /** Claims the marker; false when it was claimed before (by a replica or an earlier start). */
  claim(): Promise<boolean>;
  /** Gives the marker back after a failure, so a later start tries again. */
  release(): Promise<void>;
  mint(): Promise<{ id: string; secret: string }>;
  revoke(id: string, reason: string): Promise<void>;
  readonly logger: Logger;
}

export type FirstTokenOutcome = 'written' | 'already there' | 'made before';

/** Writes the first admin token into the Secret unless it was made before. */
export async function publishFirstAdminToken(deps: FirstTokenDeps): Promise<FirstTokenOutcome> {
  const { namespace, secretName } = deps.secret;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(secretName)}`;
  const what = `Secret ${namespace}/${secretName}`;
  const read = {
    method: 'GET' as const,
    path,
    what,
    who: 'gateway first admin token',
    rbacHint: "the gateway's row in charts/omega/rbac-expected.yaml",
  };
  const answer = await kubeRequest(deps.secret, read);
  if (answer.statusCode !== 200) throw kubeFailure(read, answer);
  const data = (answer.body as { data?: Record<string, string> } | undefined)?.data ?? {};
  if (typeof data['token'] === 'string' && data['token'] !== '') return 'already there';
  if (!(await deps.claim())) return 'made before';
  let minted: { id: string; secret: string } | undefined;
  try {
    minted = await deps.mint();
    await kubeRequestOk(deps.secret, {
      ...read,
      method: 'PATCH',
      body: { data: { token: Buffer.from(minted.secret).toString('base64') } },
    });
    deps.logger.info(
      { token: minted.id, secret: what },
      `first admin token (user:admin, token ${minted.id}) written to ${what}: read it with kubectl, log in, then make your own and revoke it`,
    );
    return 'written';
  } catch (err) {
    // Nobody can read a token that was not written: revoke it and let a later start try again.
    if (minted !== undefined) {
      await deps
        .revoke(minted.id, `could not be written to ${what}`)
        .catch((revokeErr: unknown) => {
          deps.logger.error(
            { err: revokeErr, token: minted?.id },
            `revoking unwritten first admin token ${minted?.id} failed: ${errorMessage(revokeErr)}`,
          );
        });
    }
    await deps.release().catch(() => undefined);
    throw err instanceof OmegaError
      ? err
      : new OmegaError(Code.Unavailable, `first admin token: ${errorMessage(err)}`, { cause: err });
  }
}
