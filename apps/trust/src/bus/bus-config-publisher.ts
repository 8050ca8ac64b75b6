// Publishes what bus setup wrote to Kubernetes, for charts/omega: the NATS server's files to a
// Secret that only the NATS pods mount, and the trust CA to a ConfigMap every Omega pod mounts.
// Both objects exist already (the chart creates them empty) and only their data is patched, so
// trust needs `patch` on those two names and nothing else.
//
// Uses node:https with the pod's own service-account files, as the Kubernetes attestor does.
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

/** The files bus setup writes into its output directory; all go to the Secret. */
export const BUS_SERVER_FILES = ['auth.conf', 'ca.pem', 'server.pem', 'server-key.pem'] as const;
/** The service-account mount of every pod that automounts its token. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface BusConfigTarget {
  readonly namespace: string;
  readonly secretName: string;
  readonly configMapName: string;
  /** `https://host:port`; default from KUBERNETES_SERVICE_HOST/PORT. */
  readonly apiServerUrl?: string;
  readonly tokenPath?: string;
  readonly caPath?: string;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Patches the Secret with every file of `outDir` and the ConfigMap with its ca.pem. */
export async function publishBusServerConfig(
  outDir: string,
  target: BusConfigTarget,
): Promise<void> {
  const files: Record<string, string> = {};
  for (const name of BUS_SERVER_FILES) {
    files[name] = await readFile(join(outDir, name), 'utf8');
  }
  const secretData = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [name, Buffer.from(text).toString('base64')]),
  );
  const ns = encodeURIComponent(target.namespace);
  await patch(
    target,
    `/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(target.secretName)}`,
    { data: secretData },
    `Secret ${target.namespace}/${target.secretName}`,
  );
  await patch(
    target,
    `/api/v1/namespaces/${ns}/configmaps/${encodeURIComponent(target.configMapName)}`,
    { data: { 'ca.pem': files['ca.pem'] } },
    `ConfigMap ${target.namespace}/${target.configMapName}`,
  );
}

function apiServerUrl(target: BusConfigTarget): URL {
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
      'bus setup: no Kubernetes API server to publish to: run in a pod (KUBERNETES_SERVICE_HOST) or pass --kubernetes-api-server',
    );
  }
  return new URL(url);
}

/** A JSON merge patch of one named object; every failure names the object and what to fix. */
async function patch(
  target: BusConfigTarget,
  path: string,
  body: object,
  what: string,
): Promise<void> {
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
      `bus setup: publishing ${what}: cannot read the service-account files (${tokenPath}, ${caPath}): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const payload = Buffer.from(JSON.stringify(body));
  const timeoutMs = target.timeoutMs ?? 10_000;
  const { statusCode, text } = await new Promise<{ statusCode: number; text: string }>(
    (resolve, reject) => {
      const req = httpsRequest(
        new URL(path, apiServerUrl(target)),
        {
          method: 'PATCH',
          ca,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${bearer}`,
            accept: 'application/json',
            'content-type': 'application/merge-patch+json',
            'content-length': payload.byteLength,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
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
    throw new OmegaError(Code.Unavailable, `bus setup: publishing ${what}: ${errorMessage(err)}`, {
      cause: err,
    });
  });
  if (statusCode >= 200 && statusCode < 300) return;
  const reason = statusMessage(text);
  const hint =
    statusCode === 404
      ? ' (the chart creates it: is this the release namespace?)'
      : statusCode === 403
        ? ` (trust's RBAC needs patch on this object: charts/omega/rbac-expected.yaml)`
        : '';
  throw new OmegaError(
    statusCode === 404 ? Code.NotFound : Code.FailedPrecondition,
    `bus setup: publishing ${what}: HTTP ${statusCode}${reason ? `: ${reason}` : ''}${hint}`,
  );
}

function statusMessage(text: string): string | undefined {
  try {
    const status = JSON.parse(text) as { message?: unknown };
    return typeof status.message === 'string' ? status.message : undefined;
  } catch {
    return text.trim().slice(0, 200) || undefined;
  }
}
