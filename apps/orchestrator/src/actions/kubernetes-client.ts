// Loads @kubernetes/client-node (ESM only) from this CommonJS app, in built code and under jest
// (whose vm context refuses `import()`; the same route libs/testkit's loader takes).
import vm from 'node:vm';

export type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});
export type KubeConfig = InstanceType<KubernetesClient['KubeConfig']>;

function nativeImporter(): (specifier: string) => Promise<unknown> {
  const inForeignRealm = Object.getPrototypeOf(vm.compileFunction) !== Function.prototype;
  if (!inForeignRealm) return (specifier) => import(specifier);
  return vm.compileFunction('return import(specifier)', ['specifier'], {
    filename: __filename,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as (specifier: string) => Promise<unknown>;
}

let loaded: Promise<KubernetesClient> | undefined;

export function loadKubernetesClient(): Promise<KubernetesClient> {
  if (loaded === undefined) {
    loaded = nativeImporter()('@kubernetes/client-node') as Promise<KubernetesClient>;
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}
