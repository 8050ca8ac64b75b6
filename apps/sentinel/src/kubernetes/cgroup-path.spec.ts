// containerOfCgroupPath on the layouts real nodes have (paths as kubelet/containerd/CRI-O write them).
import { containerOfCgroupPath } from './cgroup-path';

const ID = 'a3f1c0de5b7e4f2d9c8b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c';
const UID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const UID_ = UID.replace(/-/g, '_');

describe('containerOfCgroupPath', () => {
  it.each([
    [
      'systemd driver, containerd',
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    ],
    [
      'systemd driver, CRI-O',
      `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/crio-${ID}.scope`,
    ],
    ['cgroupfs driver', `/kubepods/burstable/pod${UID}/${ID}`],
    [
      'guaranteed QoS (no QoS slice)',
      `/kubepods.slice/kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    ],
    [
      'containerd under system.slice (kind, k3s)',
      `/system.slice/containerd.service/kubepods-burstable-pod${UID_}.slice:cri-containerd:${ID}`,
    ],
  ])('%s', (_layout, path) => {
    expect(containerOfCgroupPath(path)).toEqual({ containerId: ID, podUid: UID });
  });

  it('finds a Docker container outside Kubernetes, without a pod', () => {
    expect(containerOfCgroupPath(`/system.slice/docker-${ID}.scope`)).toEqual({ containerId: ID });
  });

  it.each([
    ['the root cgroup', '/'],
    ['a user session', '/user.slice/user-1000.slice/session-3.scope'],
    [
      'a pod-level cgroup (the pause sandbox has its own container)',
      `/kubepods/burstable/pod${UID}`,
    ],
    ['a too-short id', '/kubepods/burstable/pod0/abc123'],
  ])('says nothing for %s', (_what, path) => {
    expect(containerOfCgroupPath(path)).toBeUndefined();
  });
});
