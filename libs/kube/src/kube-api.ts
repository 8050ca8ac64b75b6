// One request to the Kubernetes API from inside a pod, with the pod's own service-account token
// and CA (or given files): JSON in and out, a deadline, a cap on the answer's size, and failures
// that name the object and what to fix (403: the RBAC row; 404: the namespace).
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

/** The service-account mount of every pod that automounts its token. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Largest answer read (a Secret, a list of a namespace's pods). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface KubeTarget {
  /** `https://host:port`; default from KUBERNETES_SERVICE_HOST/PORT (in a pod). */
  readonly apiServerUrl?: string;
  readonly tokenPath?: string;
  readonly caPath?: string;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** e.g. `/api/v1/namespaces/omega/secrets/omega-gateway-admin-token`. */
  readonly path: string;
  readonly body?: object;
  /** Default application/json; a PATCH is a JSON merge patch. */
  readonly contentType?: string;
  /** What the request is about, for errors: `Secret omega/omega-gateway-admin-token`. */
  readonly what: string;
  /** Who asks, for errors: `bus setup`, `gateway`. */
  readonly who: string;
  /** Where the RBAC row that allows it is written, for a 403's hint. */
  readonly rbacHint?: string;
}

export interface KubeAnswer {
  readonly statusCode: number;
  /** The parsed JSON answer (a Status object on failure), or undefined when not JSON. */
  readonly body: unknown;
}

/** The namespace the pod runs in, from its service-account mount. */
export async function podNamespace(dir = SERVICE_ACCOUNT_DIR): Promise<string> {
  return (await readFile(join(dir, 'namespace'), 'utf8')).trim();
}

function apiServerUrl(target: KubeTarget, who: string): URL {
  const env = target.env ?? process.env;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const url =
    target.apiServerUrl ??
    (host
      ? `https://${host.includes(':') ? `[${host}]` : host}:${env['KUBERNETES_SERVICE_PORT'] ?? '443'}`
      : undefined);
  if (url === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${who}: no Kubernetes API server: run in a pod (KUBERNETES_SERVICE_HOST) or configure its URL`,
    );
  }
  return new URL(url);
}

/**
 * Sends `request` and returns the answer whatever its status (callers decide what 404 or 409
 * mean); rejects UNAVAILABLE when no answer came, FAILED_PRECONDITION when the credentials cannot
 * be read.
 */
export async function kubeRequest(target: KubeTarget, request: KubeRequest): Promise<KubeAnswer> {
  const tokenPath = target.tokenPath ?? join(SERVICE_ACCOUNT_DIR, 'token');
  const caPath = target.caPath ?? join(SERVICE_ACCOUNT_DIR, 'ca.crt');
  let bearer: string;
  let ca: string;
  try {
    [bearer, ca] = await Promise.all([
      readFile(tokenPath, 'utf8').then((t) => t.trim()),
      readFile(caPath, 'utf8'),
    ]);
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${request.who}: ${request.what}: cannot read the service-account files (${tokenPath}, ${caPath}): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const payload =
    request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const timeoutMs = target.timeoutMs ?? 10_000;
  const url = new URL(request.path, apiServerUrl(target, request.who));
  const { statusCode, text } = await new Promise<{ statusCode: number; text: string }>(
    (resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method: request.method,
          ca,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${bearer}`,
            accept: 'application/json',
            ...(payload
              ? {
                  'content-type':
                    request.contentType ??
                    (request.method === 'PATCH'
                      ? 'application/merge-patch+json'
                      : 'application/json'),
                  'content-length': payload.byteLength,
                }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.byteLength;
            if (size > MAX_ANSWER_BYTES) {
              req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    },
  ).catch((err: unknown) => {
    throw new OmegaError(
      Code.Unavailable,
      `${request.who}: ${request.what}: ${request.method} ${url.href}: ${errorMessage(err)}`,
      { cause: err },
    );
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { statusCode, body: body ?? text };
}

/** The error for an answer that is not 2xx, naming the object, the status and what to fix. */
export function kubeFailure(request: KubeRequest, answer: KubeAnswer): OmegaError {
  const message =
    typeof answer.body === 'object' && answer.body !== null && 'message' in answer.body
      ? String((answer.body as { message: unknown }).message)
      : typeof answer.body === 'string'
        ? answer.body.trim().slice(0, 200)
        : '';
  const hint =
    answer.statusCode === 404
      ? ' (the chart creates it: is this the release namespace?)'
      : answer.statusCode === 403
        ? ` (RBAC must allow ${request.method} on it${request.rbacHint ? `: ${request.rbacHint}` : ''})`
        : '';
  return new OmegaError(
    answer.statusCode === 404
      ? Code.NotFound
      : answer.statusCode === 409
        ? Code.AlreadyExists
        : Code.FailedPrecondition,
    `${request.who}: ${request.what}: HTTP ${answer.statusCode}${message ? `: ${message}` : ''}${hint}`,
  );
}

/** Sends `request` and throws kubeFailure unless the answer is 2xx. */
export async function kubeRequestOk(target: KubeTarget, request: KubeRequest): Promise<unknown> {
  const answer = await kubeRequest(target, request);
  if (answer.statusCode < 200 || answer.statusCode >= 300) throw kubeFailure(request, answer);
  return answer.body;
}
