// Checks, offline, that an artifact is the one a logged attestation vouches for: digest (the
// in-toto statement names the artifact's SHA-256), signature (DSSE over PAE, checked by the
// caller's hybrid verifier), checkpoint and inclusion (the audit bundle) and log entry (the logged
// leaf holds exactly this envelope). Shared by the CLI and the sentinel's module loader.
import { createHash } from 'node:crypto';
import { DsseEnvelope, type HybridSignature } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/errors';
import { verifyBundle, type AuditBundle, type VerifiedBundle } from './audit-bundle';
import { type CheckpointPolicy } from './checkpoint-verifier';
import { dssePae } from './dsse';

/** Predicate type of a WASM detection module's attestation (subject `modules/<name>@<version>`). */
export const MODULE_PREDICATE_TYPE = 'https://omega.dev/attestation/wasm-module/v1';
export const MODULE_MEDIA_TYPE = 'application/wasm';

/** The attestation subject name of a module version. */
export function moduleSubjectName(name: string, version: string): string {
  return `modules/${name}@${version}`;
}

export interface AttestedArtifactCheck {
  /** What is checked, for messages, e.g. "module port-knock 1.2.0". */
  what: string;
  artifact: Uint8Array;
  envelope: DsseEnvelope;
  bundle: AuditBundle;
  policy: CheckpointPolicy;
  /** When set, the statement's subject must have this name too. */
  subjectName?: string;
  /** When set, the statement's predicateType must be this. */
  predicateType?: string;
  /** Throws unless one of `signatures` is a valid signature of `pae` by the pinned key. */
  verifySignature(pae: Uint8Array, signatures: readonly HybridSignature[]): void;
}

export interface VerifiedArtifact extends VerifiedBundle {
  sha256: Buffer;
}

interface Statement {
  subject?: Array<{ name?: string; digest?: { sha256?: string } }>;
  predicateType?: string;
}

/**
 * Runs the checks in order; a failure is PermissionDenied naming the artifact and the check
 * (`digest`, `signature`, `checkpoint signature`, `inclusion`, `log entry`).
 */
export async function verifyAttestedArtifact(c: AttestedArtifactCheck): Promise<VerifiedArtifact> {
  const fail = (check: string, err: unknown) =>
    new OmegaError(
      Code.PermissionDenied,
      `${c.what}: ${check} check failed: ${errorMessage(err)}`,
      { cause: err },
    );
  const sha256 = createHash('sha256').update(c.artifact).digest();
  const hex = sha256.toString('hex');
  try {
    let statement: Statement;
    try {
      statement = JSON.parse(Buffer.from(c.envelope.payload).toString('utf8')) as Statement;
    } catch (err) {
      throw new Error(`the envelope's payload is not an in-toto statement: ${errorMessage(err)}`);
    }
    const subject = (statement.subject ?? []).find((s) => s.digest?.sha256 === hex);
    if (!subject)
      throw new Error(`the artifact is sha256:${hex}; the attestation is about another`);
    if (c.subjectName !== undefined && subject.name !== c.subjectName) {
      throw new Error(`the attestation names ${subject.name}, not ${c.subjectName}`);
    }
    if (c.predicateType !== undefined && statement.predicateType !== c.predicateType) {
      throw new Error(`predicate type ${statement.predicateType}, not ${c.predicateType}`);
    }
  } catch (err) {
    throw fail('digest', err);
  }
  try {
    c.verifySignature(dssePae(c.envelope.payloadType, c.envelope.payload), c.envelope.signatures);
  } catch (err) {
    throw fail('signature', err);
  }
  let verified: VerifiedBundle;
  try {
    verified = await verifyBundle(c.bundle, c.policy);
  } catch (err) {
    throw new OmegaError(Code.PermissionDenied, `${c.what}: ${errorMessage(err)}`, { cause: err });
  }
  const logged = verified.revealed ?? verified.logged;
  if (Buffer.compare(logged.payload, DsseEnvelope.encode(c.envelope).finish()) !== 0) {
    throw fail('log entry', new Error(`log entry ${c.bundle.index} records another envelope`));
  }
  return { ...verified, sha256 };
}
