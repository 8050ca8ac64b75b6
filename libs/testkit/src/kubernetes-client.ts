// Loads @kubernetes/client-node (ESM only) from this CommonJS package, in tests and in built code.
import vm from 'node:vm';

export type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/**
 * `import()` through Node's own ESM loader. Built CommonJS keeps `import()` as is. Jest runs this
 * file in a vm context whose `import()` it refuses without --experimental-vm-modules (and whose
 * `require()` cannot load ESM), so there the import is made by a function compiled in Node's main
 * context (the same route as libs/crypto's esm-modules.ts). One ExperimentalWarning per process.
 */
function nativeImporter(): (specifier: string) => Promise<unknown> {
  const inForeignRealm = Object.getPrototypeOf(vm.compileFunction) !== Function.prototype;
  if (!inForeignRealm) return (specifier) => import(specifier);
  return vm.compileFunction('return import(specifier)', ['specifier'], {
    filename: __filename,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as (specifier: string) => Promise<unknown>;
}

let loaded: Promise<KubernetesClient> | undefined;

/** `@kubernetes/client-node` (memoised): `const k8s = await loadKubernetesClient()`. */
export function loadKubernetesClient(): Promise<KubernetesClient> {
  if (loaded === undefined) {
    loaded = nativeImporter()('@kubernetes/client-node') as Promise<KubernetesClient>;
    // A failed import is not cached, so a later call can retry (and report) it.
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}
