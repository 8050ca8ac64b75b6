// The audit log's note keys: one hybrid key seen as an Ed25519 note key plus an ML-DSA-65 note key.
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  mlDsa65NoteSigner,
  mlDsa65NoteVerifier,
  type CheckpointPolicy,
  type NoteSigner,
} from '@omega/auditlog';
import { MlDsaSignThread, type HybridSecretKey, type MlDsaBackend } from '@omega/crypto';
import type { HybridPublicKey } from '@omega/proto';

/**
 * Signers for checkpoint notes: Ed25519 first, then ML-DSA-65, both named after the log's origin
 * (the C2SP convention) and both over the note text itself, as signed-note prescribes. ML-DSA
 * signs in `mlDsa`: a backend on this thread, or the service's signing thread holding this key.
 */
export function logNoteSigners(
  origin: string,
  key: HybridSecretKey,
  mlDsa: MlDsaBackend | MlDsaSignThread,
): NoteSigner[] {
  const mlDsaSecret = key.mlDsa.exposeBytes();
  const sign =
    mlDsa instanceof MlDsaSignThread
      ? (message: Uint8Array) => mlDsa.sign(message)
      : (message: Uint8Array) => mlDsa.sign(message, mlDsaSecret);
  return [
    ed25519NoteSigner(origin, key.ed25519.exposeBytes()),
    mlDsa65NoteSigner(origin, key.publicKey.mlDsa, sign),
  ];
}

/** The policy a verifier pins: this origin, this key, both signatures required. */
export function logCheckpointPolicy(
  origin: string,
  publicKey: HybridPublicKey,
  mlDsa: MlDsaBackend,
): CheckpointPolicy {
  return {
    origin,
    verifiers: [
      ed25519NoteVerifier(origin, publicKey.ed25519),
      mlDsa65NoteVerifier(origin, publicKey.mlDsa, (message, signature, key) =>
        mlDsa.verify(message, signature, key),
      ),
    ],
  };
}

/** The two C2SP verifier keys (vkeys) of the log, for standard tlog tooling and witnesses. */
export function logVerifierKeys(origin: string, publicKey: HybridPublicKey): string[] {
  return [
    formatVerifierKey(origin, 'ed25519', publicKey.ed25519),
    formatVerifierKey(origin, 'ml-dsa-65', publicKey.mlDsa),
  ];
}
