// The worker side of MlDsaSignThread (../src/ml-dsa-sign-thread.ts): liboqs ML-DSA signing with
// one secret key, one request at a time, off the caller's event loop. Plain JavaScript so the same
// file runs under the built library and the specs (which load TypeScript sources).
import { parentPort, workerData } from 'node:worker_threads';

const { parameterSet, secretKey } = workerData;
const oqs = await import('@oqs/liboqs-js');
const signer = parameterSet === 'ML-DSA-44' ? await oqs.createMLDSA44() : await oqs.createMLDSA65();

parentPort.on('message', ({ id, message }) => {
  try {
    const signature = signer.sign(message, secretKey);
    parentPort.postMessage({ id, signature });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort.postMessage({ ready: true });
