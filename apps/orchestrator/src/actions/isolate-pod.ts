// isolate_pod / unisolate_pod: cuts a pod off with a deny-all NetworkPolicy (ingress and egress)
// selecting a label the action puts on the pod, and remembers how to undo it (the policy's
// annotations and the step's outputs name the policy and label). Idempotent: names derive from
// the step's idempotency key, an existing policy (409) is the one an earlier attempt created.
import { createHash } from 'node:crypto';
import { Code, errorMessage } from '@omega/runtime';
import { ActivityError, type Activity, type ActivityContext } from '@omega/workflow';
import { optional, required } from './action-params';
import type { KubeConfig, KubernetesClient } from './kubernetes-client';

export const ISOLATION_LABEL = 'omega.dev/isolated';
const MANAGED_BY = 'omega-orchestrator';

export interface KubernetesAccess {
  k8s: KubernetesClient;
  config: KubeConfig;
}

export function isolationToken(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12);
}

export function isolatePod(access: () => Promise<KubernetesAccess>): Activity {
  return async (ctx): Promise<Record<string, string>> => {
    const namespace = optional(ctx, 'namespace', 'default');
    const pod = required(ctx, 'pod');
    const token = isolationToken(ctx.idempotencyKey);
    const policy = `omega-isolate-${token}`;
    const outputs = { namespace, pod, policy, label: `${ISOLATION_LABEL}=${token}` };
    if (ctx.dryRun) return { ...outputs, dry_run: 'true' };
    const { k8s, config } = await access();
    const core = config.makeApiClient(k8s.CoreV1Api);
    const net = config.makeApiClient(k8s.NetworkingV1Api);
    await kube(ctx, `read pod ${namespace}/${pod}`, () =>
      core.readNamespacedPod({ name: pod, namespace }),
    );
    await kube(
      ctx,
      `create NetworkPolicy ${namespace}/${policy}`,
      () =>
        net.createNamespacedNetworkPolicy({
          namespace,
          body: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: {
              name: policy,
              namespace,
              labels: { 'app.kubernetes.io/managed-by': MANAGED_BY },
              annotations: {
                'omega.dev/workflow': ctx.workflowId,
                'omega.dev/step': ctx.stepId,
                'omega.dev/pod': pod,
                'omega.dev/undo': `delete this NetworkPolicy; remove label ${ISOLATION_LABEL} from pod ${pod}`,
              },
            },
            // No ingress or egress rules: everything to and from the selected pod is denied.
            spec: {
              podSelector: { matchLabels: { [ISOLATION_LABEL]: token } },
              policyTypes: ['Ingress', 'Egress'],
            },
          },
        }),
      [409],
    );
    await kube(ctx, `label pod ${namespace}/${pod}`, () =>
      core.patchNamespacedPod(
        { name: pod, namespace, body: { metadata: { labels: { [ISOLATION_LABEL]: token } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    );
    return outputs;
  };
}

export function unisolatePod(access: () => Promise<KubernetesAccess>): Activity {
  return async (ctx): Promise<Record<string, string>> => {
    const namespace = optional(ctx, 'namespace', 'default');
    const pod = required(ctx, 'pod');
    const policy = required(ctx, 'policy');
    if (ctx.dryRun) return { namespace, pod, policy, dry_run: 'true' };
    const { k8s, config } = await access();
    const core = config.makeApiClient(k8s.CoreV1Api);
    const net = config.makeApiClient(k8s.NetworkingV1Api);
    await kube(
      ctx,
      `delete NetworkPolicy ${namespace}/${policy}`,
      () => net.deleteNamespacedNetworkPolicy({ name: policy, namespace }),
      [404],
    );
    await kube(
      ctx,
      `unlabel pod ${namespace}/${pod}`,
      () =>
        core.patchNamespacedPod(
          { name: pod, namespace, body: { metadata: { labels: { [ISOLATION_LABEL]: null } } } },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        ),
      [404],
    );
    return { namespace, pod, policy, removed: 'true' };
  };
}

/**
 * Runs a Kubernetes call; `tolerated` statuses count as done (already there, already gone). Any
 * other error answer is read through the one HTTP-status table (409 on a write is a conflict with a
 * concurrent change, retried); a call that got no answer is retried as Unavailable.
 */
async function kube(
  ctx: ActivityContext,
  what: string,
  call: () => Promise<unknown>,
  tolerated: number[] = [],
): Promise<void> {
  try {
    await call();
  } catch (err) {
    const status = (err as { code?: unknown }).code;
    if (typeof status === 'number' && tolerated.includes(status)) return;
    const body = (err as { body?: unknown }).body;
    const detail = typeof body === 'string' ? safeMessage(body) : errorMessage(err);
    if (typeof status !== 'number') {
      throw ActivityError.transient(Code.Unavailable, `step ${ctx.stepId}: ${what}: ${detail}`, {
        cause: err,
      });
    }
    throw ActivityError.fromHttpStatus(
      status,
      `step ${ctx.stepId}: ${what}: HTTP ${status}: ${detail}`,
      { cause: err },
    );
  }
}

function safeMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    return parsed.message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}
