// Loads the ESM-only crypto packages (liboqs-js, noble post-quantum) from this CommonJS package.
import { importEsmOnce as importOnce } from '@omega/runtime';

type LiboqsModule = typeof import('@oqs/liboqs-js', { with: { 'resolution-mode': 'import' } });
type NobleMlDsaModule = typeof import('@noble/post-quantum/ml-dsa.js', {
  with: { 'resolution-mode': 'import' },
});
type NobleMlKemModule = typeof import('@noble/post-quantum/ml-kem.js', {
  with: { 'resolution-mode': 'import' },
});

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
