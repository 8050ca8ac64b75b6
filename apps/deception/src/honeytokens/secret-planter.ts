// Plants Kubernetes honeytokens: a Secret in the namespace asked for, holding the minted value and
// nothing that says what it is (the request's labels only), and removes it on revocation.
import { HoneytokenKind } from '@omega/proto';
import { kubeFailure, kubeRequest, kubeRequestOk, type KubeTarget } from '@omega/kube';

const RBAC_HINT =
  'a Role in that namespace granting the deception service account create and delete on secrets';

/** Where a planted honeytoken lives. */
export interface PlantedSecret {
  readonly kind: HoneytokenKind;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface SecretPlanter {
  /** Creates the Secret; ALREADY_EXISTS when one of that name is there (it is never replaced). */
  plant(secret: PlantedSecret, value: string): Promise<void>;
  /** Deletes the Secret; one already gone is fine. */
  remove(secret: Pick<PlantedSecret, 'namespace' | 'name'>): Promise<void>;
}

/** The Secret's data: a password for KUBERNETES_SECRET, a token (as a copied one looks) else. */
function secretData(secret: PlantedSecret, value: string): Record<string, string> {
  return secret.kind === HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN
    ? { token: value, namespace: secret.namespace }
    : { password: value };
}

export function kubeSecretPlanter(target: KubeTarget): SecretPlanter {
  const path = (namespace: string, name?: string) =>
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  return {
    async plant(secret, value) {
      await kubeRequestOk(target, {
        method: 'POST',
        path: path(secret.namespace),
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: secret.name,
            namespace: secret.namespace,
            labels: { ...secret.labels },
          },
          type: 'Opaque',
          stringData: secretData(secret, value),
        },
        what: `Secret ${secret.namespace}/${secret.name}`,
        who: 'deception (planting a honeytoken)',
        rbacHint: RBAC_HINT,
      });
    },
    async remove(secret) {
      const request = {
        method: 'DELETE' as const,
        path: path(secret.namespace, secret.name),
        what: `Secret ${secret.namespace}/${secret.name}`,
        who: 'deception (removing a revoked honeytoken)',
        rbacHint: RBAC_HINT,
      };
      const answer = await kubeRequest(target, request);
      if (answer.statusCode === 404) return;
      if (answer.statusCode < 200 || answer.statusCode >= 300) throw kubeFailure(request, answer);
    },
  };
}
