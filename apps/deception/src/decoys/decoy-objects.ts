// The Kubernetes side of decoys, through @kubernetes/client-node: lists a namespace's Deployments
// and Services (bounded pages, a deadline), creates a decoy's three objects (the NetworkPolicy
// first, so its pod never runs unconfined), finds which are missing, and deletes them. Every
// failure is an OmegaError naming the object, the HTTP status and the API server's message.
import type { KubeConfig, V1Deployment, V1Service } from '@kubernetes/client-node' with {
  'resolution-mode': 'import',
};
import { Code, OmegaError, errorMessage, importEsmOnce } from '@omega/runtime';
import type { DecoyManifests } from './decoy-manifests';

type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** The kinds of object a decoy has, in the order they are created. */
export type DecoyObjectKind = 'NetworkPolicy' | 'Service' | 'Deployment';
export const DECOY_OBJECT_KINDS: readonly DecoyObjectKind[] = [
  'NetworkPolicy',
  'Service',
  'Deployment',
];

const RBAC_HINT =
  'the deception Role in that namespace (charts/omega templates/rbac.yaml) must grant it';

export interface DecoyObjectsOptions {
  readonly kubeConfig: KubeConfig;
  /** Most Deployments (and Services) read from one namespace to copy from. */
  readonly listLimit: number;
  /** Deadline of each call to the API server. */
  readonly requestTimeoutMs: number;
}

/** A namespace's workloads, as the decoy manifests copy them. */
export interface NamespaceWorkloads {
  readonly deployments: V1Deployment[];
  readonly services: V1Service[];
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message.slice(0, 300);
    } catch {
      return body.slice(0, 200);
    }
  }
  return errorMessage(err).slice(0, 300);
}

export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** An error naming the call, the HTTP status and the API server's own message. */
function kubeError(what: string, err: unknown): OmegaError {
  const status = statusOf(err);
  const detail = apiMessage(err);
  if (status === undefined) {
    return new OmegaError(Code.Unavailable, `Kubernetes: ${what}: ${detail}`, { cause: err });
  }
  const hint = status === 403 ? ` (${RBAC_HINT})` : '';
  const code =
    status === 409
      ? Code.AlreadyExists
      : status === 404
        ? Code.NotFound
        : status === 422 || status === 400
          ? Code.InvalidArgument
          : Code.FailedPrecondition;
  return new OmegaError(code, `Kubernetes: ${what}: HTTP ${status}: ${detail}${hint}`, {
    cause: err,
  });
}

/** Where the API server is: the pod's own (in-cluster) unless a URL and files are configured. */
export interface KubeConnection {
  readonly apiServerUrl?: string;
  readonly tokenPath?: string;
  readonly caPath?: string;
}

/** A KubeConfig for `connection`; the token file is read again on each request (it rotates). */
export async function kubeConfigFor(connection: KubeConnection): Promise<KubeConfig> {
  const k8s = await importEsmOnce<KubernetesClient>('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (connection.apiServerUrl === undefined && !process.env['KUBERNETES_SERVICE_HOST']) {
    throw new OmegaError(
      Code.FailedPrecondition,
      'decoys placed in Kubernetes: no API server: run in a pod (KUBERNETES_SERVICE_HOST) or set deception.kubernetes.apiServerUrl',
    );
  }
  kc.loadFromCluster();
  if (connection.apiServerUrl === undefined) return kc;
  const cluster = kc.clusters[0]!;
  const user = kc.users[0]!;
  kc.loadFromClusterAndUser(
    {
      ...cluster,
      server: connection.apiServerUrl,
      ...(connection.caPath ? { caFile: connection.caPath } : {}),
    },
    connection.tokenPath
      ? {
          ...user,
          authProvider: { name: 'tokenFile', config: { tokenFile: connection.tokenPath } },
        }
      : user,
  );
  return kc;
}

export class DecoyObjects {
  private constructor(
    private readonly k8s: KubernetesClient,
    private readonly options: DecoyObjectsOptions,
  ) {}

  static async open(options: DecoyObjectsOptions): Promise<DecoyObjects> {
    return new DecoyObjects(
      await importEsmOnce<KubernetesClient>('@kubernetes/client-node'),
      options,
    );
  }

  private apis() {
    const kc = this.options.kubeConfig;
    return {
      apps: kc.makeApiClient(this.k8s.AppsV1Api),
      core: kc.makeApiClient(this.k8s.CoreV1Api),
      net: kc.makeApiClient(this.k8s.NetworkingV1Api),
    };
  }

  private async call<T>(
    what: string,
    run: () => Promise<T>,
    tolerated: number[] = [],
  ): Promise<T | undefined> {
    try {
      return await withTimeout(run(), this.options.requestTimeoutMs, what);
    } catch (err) {
      const status = statusOf(err);
      if (status !== undefined && tolerated.includes(status)) return undefined;
      throw kubeError(what, err);
    }
  }

  /** The namespace's Deployments and Services (at most listLimit of each). */
  async workloads(namespace: string): Promise<NamespaceWorkloads> {
    const { apps, core } = this.apis();
    const limit = this.options.listLimit;
    const [deployments, services] = await Promise.all([
      this.call(`list deployments in ${namespace}`, () =>
        apps.listNamespacedDeployment({ namespace, limit }),
      ),
      this.call(`list services in ${namespace}`, () =>
        core.listNamespacedService({ namespace, limit }),
      ),
    ]);
    return { deployments: deployments?.items ?? [], services: services?.items ?? [] };
  }

  /**
   * Creates the objects of `kinds` (default all); with `existingOk` one already there counts as
   * created (reconcile), else it is ALREADY_EXISTS. Returns the kinds it created.
   */
  async create(
    manifests: DecoyManifests,
    kinds: readonly DecoyObjectKind[] = DECOY_OBJECT_KINDS,
    existingOk = false,
  ): Promise<DecoyObjectKind[]> {
    const { apps, core, net } = this.apis();
    const namespace = manifests.deployment.metadata!.namespace!;
    const tolerated = existingOk ? [409] : [];
    const created: DecoyObjectKind[] = [];
    // Written as the neighbours were (managedFields name their writer to anyone who reads them).
    const manager = manifests.fieldManager ? { fieldManager: manifests.fieldManager } : {};
    for (const kind of DECOY_OBJECT_KINDS.filter((k) => kinds.includes(k))) {
      const what = `create ${kind} ${namespace}/${manifests.name}`;
      const made = await this.call(
        what,
        (): Promise<unknown> =>
          kind === 'NetworkPolicy'
            ? net.createNamespacedNetworkPolicy({
                namespace,
                body: manifests.networkPolicy,
                ...manager,
              })
            : kind === 'Service'
              ? core.createNamespacedService({ namespace, body: manifests.service, ...manager })
              : apps.createNamespacedDeployment({
                  namespace,
                  body: manifests.deployment,
                  ...manager,
                }),
        tolerated,
      );
      if (made !== undefined) created.push(kind);
    }
    return created;
  }

  /**
   * Which of the decoy's objects are not there. The NetworkPolicy is probed with an empty merge
   * patch (a no-op where it exists, 404 where not): the Role grants no read on policies.
   */
  async missing(namespace: string, name: string): Promise<DecoyObjectKind[]> {
    const { apps, core, net } = this.apis();
    const [policy, service, deployment] = await Promise.all([
      this.call(
        `probe NetworkPolicy ${namespace}/${name}`,
        () =>
          net.patchNamespacedNetworkPolicy(
            { namespace, name, body: {} },
            this.k8s.setHeaderOptions('Content-Type', this.k8s.PatchStrategy.MergePatch),
          ),
        [404],
      ),
      this.call(
        `get Service ${namespace}/${name}`,
        () => core.readNamespacedService({ namespace, name }),
        [404],
      ),
      this.call(
        `get Deployment ${namespace}/${name}`,
        () => apps.readNamespacedDeployment({ namespace, name }),
        [404],
      ),
    ]);
    const found = { NetworkPolicy: policy, Service: service, Deployment: deployment };
    return DECOY_OBJECT_KINDS.filter((kind) => found[kind] === undefined);
  }

  /** Deletes the decoy's objects (the Deployment first, so no pod outlives its policy); gone is fine. */
  async remove(namespace: string, name: string): Promise<DecoyObjectKind[]> {
    const { apps, core, net } = this.apis();
    const deleted: DecoyObjectKind[] = [];
    for (const kind of [...DECOY_OBJECT_KINDS].reverse()) {
      const what = `delete ${kind} ${namespace}/${name}`;
      const done = await this.call(
        what,
        (): Promise<unknown> =>
          kind === 'NetworkPolicy'
            ? net.deleteNamespacedNetworkPolicy({ namespace, name })
            : kind === 'Service'
              ? core.deleteNamespacedService({ namespace, name })
              : apps.deleteNamespacedDeployment({ namespace, name }),
        [404],
      );
      if (done !== undefined) deleted.push(kind);
    }
    return deleted;
  }

  /** The manifests as YAML documents (what DeployDecoy answers in manifests_yaml). */
  yaml(manifests: DecoyManifests): string {
    return [manifests.networkPolicy, manifests.service, manifests.deployment]
      .map((object) => this.k8s.dumpYaml(object))
      .join('---\n');
  }
}
