// Kubernetes attestation: a projected service-account token (audience `omega-trust`) is checked by
// the API server's TokenReview, then cross-checked against the pod it names (uid, node, service
// account) and against the identity asked for (a sentinel's name is its pod's node).
//
// Uses node:https rather than fetch: the API server's CA comes from the service-account mount, and
// node's built-in fetch has no per-request CA option (that needs the undici package's Agent).
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { SubjectKind } from '@omega/trust-client';

/** TokenReview `status.user.extra` keys the API server sets for pod-bound tokens. */
export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';
export const POD_UID_EXTRA = 'authentication.kubernetes.io/pod-uid';
/** Set by Kubernetes ≥ 1.30 (ServiceAccountTokenPodNodeInfo); older servers: the pod's spec.nodeName. */
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';

export interface KubernetesAttestorOptions {
  /** `https://host:port`; default from KUBERNETES_SERVICE_HOST/PORT. */
  readonly apiServerUrl?: string;
  /** Trust's own service-account token (re-read per call: projected tokens rotate). */
  readonly tokenPath: string;
  readonly caPath: string;
  readonly audience: string;
  /** Namespaces allowed to enroll; empty allows any. */
  readonly namespaces: readonly string[];
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** What attestation established about the workload. */
export interface KubernetesAttestation {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly pod: string;
  readonly podUid: string;
  readonly node: string;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  error?: string;
  audiences?: string[];
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

interface Pod {
  metadata?: { name?: string; namespace?: string; uid?: string };
  spec?: { nodeName?: string; serviceAccountName?: string };
  status?: { phase?: string };
}

export class KubernetesAttestor {
  readonly #apiServerUrl: URL;

  constructor(private readonly options: KubernetesAttestorOptions) {
    const env = options.env ?? process.env;
    const url =
      options.apiServerUrl ??
      (env.KUBERNETES_SERVICE_HOST
        ? `https://${hostPort(env.KUBERNETES_SERVICE_HOST, env.KUBERNETES_SERVICE_PORT ?? '443')}`
        : undefined);
    if (url === undefined) {
      throw new OmegaError(
        Code.FailedPrecondition,
        'kubernetes attestation: no API server: set identity.kubernetes.apiServerUrl or run in-cluster (KUBERNETES_SERVICE_HOST)',
      );
    }
    this.#apiServerUrl = new URL(url);
  }

  /**
   * Checks `token` and that it may enroll as `kind`/`name`. Unauthenticated when the API server
   * does not accept the token; PermissionDenied naming the failed cross-check otherwise.
   */
  async attest(token: string, kind: SubjectKind, name: string): Promise<KubernetesAttestation> {
    const review = await this.#call<{ status?: TokenReviewStatus }>(
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, audiences: [this.options.audience] },
      },
    );
    const status = review.status ?? {};
    if (status.authenticated !== true) {
      throw new OmegaError(
        Code.Unauthenticated,
        `kubernetes token: TokenReview did not authenticate it${status.error ? `: ${status.error}` : ''}`,
      );
    }
    const deny = (detail: string): OmegaError =>
      new OmegaError(Code.PermissionDenied, `kubernetes token: ${detail}`);
    if (!(status.audiences ?? []).includes(this.options.audience)) {
      throw deny(
        `wrong audience: TokenReview reports ${JSON.stringify(status.audiences ?? [])}, need '${this.options.audience}'`,
      );
    }
    const username = status.user?.username ?? '';
    const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
    if (!match) throw deny(`user ${JSON.stringify(username)} is not a service account`);
    const [, namespace, serviceAccount] = match as unknown as [string, string, string];
    if (this.options.namespaces.length > 0 && !this.options.namespaces.includes(namespace)) {
      throw deny(
        `namespace '${namespace}' may not enroll (allowed: ${this.options.namespaces.join(', ')})`,
      );
    }
    const extra = status.user?.extra ?? {};
    const podName = extra[POD_NAME_EXTRA]?.[0];
    const podUid = extra[POD_UID_EXTRA]?.[0];
    if (!podName || !podUid) {
      throw deny(
        'not bound to a pod (use a projected service-account token, not a Secret-based one)',
      );
    }
    const pod = await this.#call<Pod>(
      'GET',
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}`,
    );
    const where = `pod ${namespace}/${podName}`;
    if (pod.metadata?.uid !== podUid) {
      throw deny(
        `${where}: uid ${pod.metadata?.uid ?? '(none)'} is not the token's ${podUid} (pod replaced)`,
      );
    }
    if (pod.spec?.serviceAccountName !== serviceAccount) {
      throw deny(
        `${where}: runs as service account '${pod.spec?.serviceAccountName ?? ''}', the token is for '${serviceAccount}'`,
      );
    }
    const node = pod.spec?.nodeName ?? '';
    if (node === '') throw deny(`${where}: not scheduled on a node`);
    const tokenNode = extra[NODE_NAME_EXTRA]?.[0];
    if (tokenNode !== undefined && tokenNode !== node) {
      throw deny(`${where}: on node '${node}', the token was issued for node '${tokenNode}'`);
    }
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') {
      throw deny(`${where}: phase ${pod.status?.phase ?? '(none)'}, not Running`);
    }
    if (kind === 'sentinel' && name !== node) {
      throw deny(`sentinel name '${name}' is not its pod's node '${node}'`);
    }
    if (kind === 'service' && name !== serviceAccount && `omega-${name}` !== serviceAccount) {
      throw deny(
        `service name '${name}' does not match service account '${serviceAccount}' (expected '${name}' or 'omega-${name}')`,
      );
    }
    if (kind !== 'sentinel' && kind !== 'service') {
      throw deny(`${kind} identities cannot enroll with a Kubernetes token; use a join token`);
    }
    return { namespace, serviceAccount, pod: podName, podUid, node };
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const where = `kubernetes API ${method} ${path}`;
    let bearer: string;
    let ca: string;
    try {
      [bearer, ca] = await Promise.all([
        readFile(this.options.tokenPath, 'utf8').then((t) => t.trim()),
        readFile(this.options.caPath, 'utf8'),
      ]);
    } catch (err) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${where}: cannot read trust's own service-account files: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(path, this.#apiServerUrl);
    const { statusCode, text } = await new Promise<{ statusCode: number; text: string }>(
      (resolve, reject) => {
        const req = httpsRequest(
          url,
          {
            method,
            ca,
            timeout: this.options.timeoutMs ?? 10_000,
            headers: {
              authorization: `Bearer ${bearer}`,
              accept: 'application/json',
              ...(payload
                ? { 'content-type': 'application/json', 'content-length': payload.byteLength }
                : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                statusCode: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () =>
          req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 10_000} ms`)),
        );
        req.on('error', reject);
        req.end(payload);
      },
    ).catch((err: unknown) => {
      throw new OmegaError(Code.Unavailable, `${where}: ${errorMessage(err)}`, { cause: err });
    });
    if (statusCode < 200 || statusCode >= 300) {
      const reason = statusText(text);
      const code =
        statusCode === 404
          ? Code.PermissionDenied
          : statusCode === 403 || statusCode === 401
            ? Code.FailedPrecondition
            : Code.Unavailable;
      throw new OmegaError(
        code,
        `${where}: HTTP ${statusCode}${reason ? `: ${reason}` : ''}${statusCode === 403 ? " (trust's RBAC needs create tokenreviews and get pods)" : ''}`,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new OmegaError(Code.Unavailable, `${where}: answer is not JSON: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
}

function hostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The `message` of a Kubernetes Status answer, when there is one. */
function statusText(text: string): string | undefined {
  try {
    const status = JSON.parse(text) as { message?: unknown };
    return typeof status.message === 'string' ? status.message : undefined;
  } catch {
    return text.slice(0, 200) || undefined;
  }
}
