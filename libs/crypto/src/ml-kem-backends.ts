// Picks an ML-KEM-768 backend by name; liboqs is the default everywhere in Omega.
import type { CryptoBackendName } from './ml-dsa-backend';
import type { MlKemBackend } from './ml-kem-backend';
import { LiboqsMlKem } from './ml-kem-liboqs';
import { NobleMlKem } from './ml-kem-noble';
import { NodeMlKem } from './ml-kem-node';

const loaders: Record<CryptoBackendName, () => Promise<MlKemBackend>> = {
  liboqs: () => LiboqsMlKem.load(),
  noble: () => NobleMlKem.load(),
  node: () => NodeMlKem.load(),
};

/** An ML-KEM-768 backend, ready to use synchronously (load once, keep it). */
export function loadMlKemBackend(name: CryptoBackendName = 'liboqs'): Promise<MlKemBackend> {
  return loaders[name]();
}
