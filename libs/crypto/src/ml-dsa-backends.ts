// Picks an ML-DSA backend by name; liboqs is the default everywhere in Omega.
import type { CryptoBackendName, MlDsaBackend, MlDsaParameterSet } from './ml-dsa-backend';
import { LiboqsMlDsa } from './ml-dsa-liboqs';
import { NobleMlDsa } from './ml-dsa-noble';
import { NodeMlDsa } from './ml-dsa-node';

export const CRYPTO_BACKENDS: readonly CryptoBackendName[] = ['liboqs', 'noble', 'node'];

const loaders: Record<CryptoBackendName, (set: MlDsaParameterSet) => Promise<MlDsaBackend>> = {
  liboqs: (set) => LiboqsMlDsa.load(set),
  noble: (set) => NobleMlDsa.load(set),
  node: (set) => NodeMlDsa.load(set),
};

/**
 * An ML-DSA backend, ready to use synchronously. The first call per backend loads its module (and,
 * for liboqs, instantiates the WebAssembly); keep the result rather than calling this per operation.
 */
export function loadMlDsaBackend(
  name: CryptoBackendName = 'liboqs',
  parameterSet: MlDsaParameterSet = 'ML-DSA-65',
): Promise<MlDsaBackend> {
  return loaders[name](parameterSet);
}
