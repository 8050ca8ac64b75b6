// Public entry of @omega/kube: one request to the Kubernetes API from inside a pod.
export {
  SERVICE_ACCOUNT_DIR,
  kubeFailure,
  kubeRequest,
  kubeRequestOk,
  podNamespace,
  type KubeAnswer,
  type KubeRequest,
  type KubeTarget,
} from './kube-api';
