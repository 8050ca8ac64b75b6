// Loads @kubernetes/client-node (ESM only) from this CommonJS package, in built code and in jest
// (the same route as libs/testkit's kubernetes-client.ts and libs/crypto's esm-modules.ts).
import vm from 'node:vm';

export type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** `import()` through Node's own ESM loader, also from jest's vm context (which refuses it). */
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
    loaded.catch(() => (loaded = undefined)); // a failed import is retried (and reported) later
  }
  return loaded;
}
