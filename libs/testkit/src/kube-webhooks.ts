// The files and flags that point a test kube-apiserver at webhooks: an audit policy that sends
// Secret reads at Metadata level to an audit webhook, and a token-authentication webhook that is
// asked about bearer tokens no other authenticator knows. Each webhook is named by a kubeconfig
// (its URL, the CA of its serving certificate, the client certificate kube-apiserver presents).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface KubeWebhookTarget {
  /** `https://host:port/path` kube-apiserver posts to. */
  readonly url: string;
  /** The CA (PEM) that signed the webhook's serving certificate. */
  readonly caPem: string;
  /** The client certificate and key (PEM) kube-apiserver presents; none: no client certificate. */
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
}

export interface KubeWebhooks {
  /** Secret reads (get, list, watch) at Metadata level, in batches. */
  readonly audit?: KubeWebhookTarget & {
    /** Longest a batch waits before it is sent (default 1000 ms; kube-apiserver's own is 30 s). */
    readonly batchMaxWaitMs?: number;
  };
  /** TokenReview for bearer tokens no other authenticator knows; answers are not cached. */
  readonly tokenAuthentication?: KubeWebhookTarget;
}

/**
 * The audit policy the test server runs with: Secret reads at Metadata level (never their data),
 * nothing else, and no RequestReceived stage (the read shows in ResponseComplete, or in
 * ResponseStarted for a watch).
 */
export const SECRET_READS_AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    {
      level: 'Metadata',
      resources: [{ group: '', resources: ['secrets'] }],
      verbs: ['get', 'list', 'watch'],
    },
    { level: 'None' },
  ],
} as const;

function webhookKubeconfig(name: string, target: KubeWebhookTarget): string {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: { server: target.url, 'certificate-authority-data': base64(target.caPem) },
        },
      ],
      users: [
        {
          name: 'kube-apiserver',
          user:
            target.clientCertPem !== undefined && target.clientKeyPem !== undefined
              ? {
                  'client-certificate-data': base64(target.clientCertPem),
                  'client-key-data': base64(target.clientKeyPem),
                }
              : {},
        },
      ],
      contexts: [{ name, context: { cluster: name, user: 'kube-apiserver' } }],
      'current-context': name,
    },
    null,
    2,
  );
}

/** Writes the policy and kubeconfigs into `dir`; returns the kube-apiserver flags naming them. */
export async function writeKubeWebhookFlags(
  dir: string,
  webhooks: KubeWebhooks,
): Promise<string[]> {
  const flags: string[] = [];
  if (webhooks.audit !== undefined) {
    const policyPath = join(dir, 'audit-policy.yaml');
    const configPath = join(dir, 'audit-webhook.kubeconfig');
    await writeFile(policyPath, JSON.stringify(SECRET_READS_AUDIT_POLICY, null, 2));
    await writeFile(configPath, webhookKubeconfig('audit', webhooks.audit), { mode: 0o600 });
    flags.push(
      `--audit-policy-file=${policyPath}`,
      `--audit-webhook-config-file=${configPath}`,
      '--audit-webhook-mode=batch',
      `--audit-webhook-batch-max-wait=${webhooks.audit.batchMaxWaitMs ?? 1000}ms`,
    );
  }
  if (webhooks.tokenAuthentication !== undefined) {
    const configPath = join(dir, 'token-webhook.kubeconfig');
    await writeFile(configPath, webhookKubeconfig('token', webhooks.tokenAuthentication), {
      mode: 0o600,
    });
    flags.push(
      `--authentication-token-webhook-config-file=${configPath}`,
      '--authentication-token-webhook-version=v1',
      // Every presentation of a token reaches the webhook: none is answered from a cache.
      '--authentication-token-webhook-cache-ttl=0s',
    );
  }
  return flags;
}
