// Loads @kubernetes/client-node (ESM only) from this CommonJS package (libs/runtime's importEsmOnce
// works in built code and under jest).
import { importEsmOnce } from '@omega/runtime';

export type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** `@kubernetes/client-node` (memoised): `const k8s = await loadKubernetesClient()`. */
export function loadKubernetesClient(): Promise<KubernetesClient> {
  return importEsmOnce('@kubernetes/client-node');
}
