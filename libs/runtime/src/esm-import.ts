// Loads ESM-only packages (liboqs-js, noble post-quantum, @kubernetes/client-node) from Omega's
// CommonJS code, in built services and under jest.
import vm from 'node:vm';

/**
 * `import()` through Node's own ESM loader. Compiled CommonJS keeps `import()` as is, which is all a
 * process needs. Jest instead runs this file in a vm context whose `import()` it refuses unless Node
 * runs with --experimental-vm-modules (and SWC rewrites `import()` to `require()`, which cannot load
 * packages that export only an `import` condition). When this code runs in a realm other than
 * Node's own, the import is made by a function compiled in Node's main context, resolved from this
 * file. That path prints one ExperimentalWarning (vm.USE_MAIN_CONTEXT_DEFAULT_LOADER) per process;
 * a built service never takes it.
 */
function nativeImporter(): (specifier: string) => Promise<unknown> {
  const inForeignRealm = Object.getPrototypeOf(vm.compileFunction) !== Function.prototype;
  if (!inForeignRealm) return (specifier) => import(specifier);
  return vm.compileFunction('return import(specifier)', ['specifier'], {
    filename: __filename,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as (specifier: string) => Promise<unknown>;
}

const importNative = nativeImporter();
const loaded = new Map<string, Promise<unknown>>();

/**
 * The ESM package `specifier`, imported once per process. A failed import is not cached, so a later
 * call retries (and reports) it. Packages resolve from the workspace's node_modules.
 */
export function importEsmOnce<T>(specifier: string): Promise<T> {
  let module = loaded.get(specifier);
  if (module === undefined) {
    module = importNative(specifier);
    module.catch(() => loaded.delete(specifier));
    loaded.set(specifier, module);
  }
  return module as Promise<T>;
}
