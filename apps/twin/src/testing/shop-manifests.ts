// Test-only: manifests of the shop namespace the twin specs create in a real kube-apiserver.

export const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

export const webPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    nodeName: 'n1',
    containers: [
      {
        name: 'c',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80 }],
        securityContext: { privileged: true },
      },
    ],
  },
};

export const readRole = (verbs: string[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'read', namespace: 'shop' },
  rules: [{ apiGroups: [''], resources: ['secrets'], verbs }],
});
