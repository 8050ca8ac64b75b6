// Test-only: the workloads a decoy must blend in with, as one team's Helm release writes them into
// namespace `shop` (Deployment, Service and NetworkPolicy each, written by field manager "helm"),
// and the relay the specs' decoys point at.
import type {
  KubeConfig,
  V1Deployment,
  V1NetworkPolicy,
  V1Service,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { KubernetesClient } from '@omega/testkit';
import type { DecoyRelay } from '../decoys/decoy-manifests';

export const NS = 'shop';

/** What the fixtures are, for the realism spec's comparisons (written here, not computed). */
export const NEIGHBOURS = [
  { name: 'shop-cart-api', port: 8080, portName: 'http' },
  { name: 'shop-orders-api', port: 8080, portName: 'http' },
  { name: 'shop-catalog-api', port: 8080, portName: 'http' },
  { name: 'shop-stock-api', port: 6379, portName: 'redis' },
] as const;

export const NEIGHBOUR_NAME_PATTERN = /^shop-[a-z]+-api$/;

export const relay: DecoyRelay = {
  image: 'registry.example.com/platform/tcp-proxy:1.4.2',
  command: [],
  upstream: '10.96.0.40:7000',
  egressPeer: { ipBlock: { cidr: '10.244.3.0/24' } },
  dns: false,
};

function objects(name: string, port: number, portName: string) {
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'shop' };
  const labels = {
    ...selector,
    'app.kubernetes.io/part-of': 'shop',
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': 'shop-3.2.0',
    team: 'checkout',
  };
  const annotations = { 'meta.helm.sh/release-name': 'shop', 'meta.helm.sh/release-namespace': NS };
  const metadata = { name, namespace: NS, labels, annotations };
  const deployment: V1Deployment = {
    metadata,
    spec: {
      replicas: 2,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, team: 'checkout' } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: 'app',
              image: `registry.example.com/shop/${name}:3.2.0`,
              ports: [{ name: portName, containerPort: port, protocol: 'TCP' }],
              resources: {
                requests: { cpu: port === 6379 ? '50m' : '200m', memory: '128Mi' },
                limits: { memory: port === 6379 ? '512Mi' : '256Mi' },
              },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
  const service: V1Service = {
    metadata,
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP' }],
    },
  };
  const networkPolicy: V1NetworkPolicy = {
    metadata,
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ protocol: 'TCP', port }] }],
    },
  };
  return { deployment, service, networkPolicy };
}

/** Creates the fixture workloads of `shop` (the namespace must exist) as the admin. */
export async function createNeighbours(k8s: KubernetesClient, admin: KubeConfig): Promise<void> {
  const apps = admin.makeApiClient(k8s.AppsV1Api);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const net = admin.makeApiClient(k8s.NetworkingV1Api);
  const fieldManager = 'helm';
  for (const { name, port, portName } of NEIGHBOURS) {
    const made = objects(name, port, portName);
    await apps.createNamespacedDeployment({ namespace: NS, body: made.deployment, fieldManager });
    await core.createNamespacedService({ namespace: NS, body: made.service, fieldManager });
    await net.createNamespacedNetworkPolicy({
      namespace: NS,
      body: made.networkPolicy,
      fieldManager,
    });
  }
}
