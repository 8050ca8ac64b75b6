// PodIndex: pods as the API server returns them → workloads by container id and pod UID.
import { PodIndex, type PodLike } from './pod-index';

const ID_WEB = 'a'.repeat(64);
const ID_SIDECAR = 'b'.repeat(64);
const UID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

function pod(over: Partial<PodLike> = {}): PodLike {
  return {
    metadata: { name: 'web-7d9f', namespace: 'shop', uid: UID, labels: { app: 'web' } },
    spec: {
      serviceAccountName: 'web',
      containers: [
        { name: 'web', image: 'registry.example/web:1.2' },
        { name: 'proxy', image: 'registry.example/proxy:3' },
      ],
    },
    status: {
      containerStatuses: [
        {
          name: 'web',
          containerID: `containerd://${ID_WEB}`,
          image: 'registry.example/web:1.2',
          imageID: 'registry.example/web@sha256:' + 'c'.repeat(64),
        },
        {
          name: 'proxy',
          containerID: `containerd://${ID_SIDECAR}`,
          image: 'registry.example/proxy:3',
        },
      ],
    },
    ...over,
  };
}

describe('PodIndex', () => {
  it('finds each container of a pod by its runtime id, with the pod, namespace, labels and image digest', () => {
    const index = new PodIndex();
    index.upsert(pod());
    expect(index.lookup({ containerId: ID_WEB })).toEqual({
      namespace: 'shop',
      pod: 'web-7d9f',
      podUid: UID,
      container: 'web',
      containerId: ID_WEB,
      image: 'registry.example/web@sha256:' + 'c'.repeat(64),
      serviceAccount: 'web',
      podLabels: { app: 'web' },
    });
    expect(index.lookup({ containerId: ID_SIDECAR })?.container).toBe('proxy');
    expect(index.lookup({ containerId: ID_SIDECAR })?.image).toBe('registry.example/proxy:3');
  });

  it('falls back to the pod by UID for a container its status does not list yet', () => {
    const index = new PodIndex();
    index.upsert(pod({ status: {} }));
    expect(index.lookup({ containerId: ID_WEB, podUid: UID })).toMatchObject({
      pod: 'web-7d9f',
      container: '',
      containerId: ID_WEB,
    });
    expect(index.lookup({ containerId: ID_WEB })).toBeUndefined();
  });

  it('forgets a restarted container id on update and everything on delete', () => {
    const index = new PodIndex();
    index.upsert(pod());
    const restarted = pod();
    restarted.status!.containerStatuses![0]!.containerID = `containerd://${'d'.repeat(64)}`;
    index.upsert(restarted);
    expect(index.lookup({ containerId: ID_WEB })).toBeUndefined();
    expect(index.lookup({ containerId: 'd'.repeat(64) })?.container).toBe('web');
    index.remove(restarted);
    expect(index.size).toEqual({ pods: 0, containers: 0 });
  });
});
