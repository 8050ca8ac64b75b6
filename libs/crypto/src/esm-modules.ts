// Loads the ESM-only crypto packages (liboqs-js, noble post-quantum) from this CommonJS package.
import vm from 'node:vm';

type LiboqsModule = typeof import('@oqs/liboqs-js', { with: { 'resolution-mode': 'import' } });
type NobleMlDsaModule = typeof import('@noble/post-quantum/ml-dsa.js', {
  with: { 'resolution-mode': 'import' },
});
type NobleMlKemModule = typeof import('@noble/post-quantum/ml-kem.js', {
  with: { 'resolution-mode': 'import' },
});

/**
 * `import()` through Node's own ESM loader. Compiled CommonJS keeps `import()` as is, which is all a
 * process needs. Jest instead runs this file in a vm context whose `import()` it refuses unless Node
 * runs with --experimental-vm-modules (and SWC rewrites `import()` to `require()`, which cannot load
 * these packages: liboqs-js exports only an `import` condition). When this code runs in a realm other
 * than Node's own, the import is made by a function compiled in Node's main context, resolved from
 * this file. That path prints one ExperimentalWarning (vm.USE_MAIN_CONTEXT_DEFAULT_LOADER) per
 * process; a built service never takes it.
 */
function nativeImporter(): (specifier: string) => Promise<unknown> {
  const inForeignRealm = Object.getPrototypeOf(vm.compileFunction) !== Function.prototype;
  if (!inForeignRealm) return (specifier) => import(specifier);
  return vm.compileFunction('return import(specifier)', ['specifier'], {
    filename: __filename,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as (specifier: string) => Promise<unknown>;
}

const importEsm = nativeImporter();
const loaded = new Map<string, Promise<unknown>>();

function importOnce<T>(specifier: string): Promise<T> {
  let module = loaded.get(specifier);
  if (module === undefined) {
    module = importEsm(specifier);
    // A failed import is not cached, so a later call can retry (and report) it.
    module.catch(() => loaded.delete(specifier));
    loaded.set(specifier, module);
  }
  return module as Promise<T>;
}

/** `@oqs/liboqs-js`, the WebAssembly build of liboqs (memoised). */
export function loadLiboqs(): Promise<LiboqsModule> {
  return importOnce('@oqs/liboqs-js');
}

/** `@noble/post-quantum/ml-dsa.js` (memoised). */
export function loadNobleMlDsa(): Promise<NobleMlDsaModule> {
  return importOnce('@noble/post-quantum/ml-dsa.js');
}

/** `@noble/post-quantum/ml-kem.js` (memoised). */
export function loadNobleMlKem(): Promise<NobleMlKemModule> {
  return importOnce('@noble/post-quantum/ml-kem.js');
}
