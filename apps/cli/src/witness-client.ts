// The CLI's side of C2SP tlog-witness: asks a witness to cosign a checkpoint (with a consistency
// proof from the size the witness last cosigned) and returns the note with its cosignature.
import {
  formatAddCheckpoint,
  formatSignedNote,
  parseSignedNote,
  type Checkpoint,
} from '@omega/auditlog';
import { Code, OmegaError } from '@omega/runtime';
import type { AuditSource } from './audit-source';

/**
 * `note` (signed by the log, `checkpoint` its parsed text) with the cosignature lines the witness
 * at `url` answers. A witness that cosigned a larger checkpoint already cannot cosign this one.
 */
export async function collectCosignature(
  url: string,
  note: string,
  checkpoint: Checkpoint,
  source: AuditSource,
): Promise<string> {
  const endpoint = `${url.replace(/\/+$/, '')}/add-checkpoint`;
  let oldSize = 0;
  let proof: Uint8Array[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        body: formatAddCheckpoint({ oldSize, proof, note }),
      });
    } catch (err) {
      throw OmegaError.wrap(err, `witness ${endpoint}`, Code.Unavailable);
    }
    const body = await response.text();
    if (response.status === 200) {
      const parsed = parseSignedNote(note);
      const lines = parseSignedNote(`${parsed.text}\n${body}`).signatures;
      return formatSignedNote({ text: parsed.text, signatures: [...parsed.signatures, ...lines] });
    }
    if (response.status !== 409) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `witness ${endpoint} refused to cosign size ${checkpoint.size}: ${response.status} ${body.trim()}`,
      );
    }
    const witnessSize = Number(body.trim());
    if (!Number.isSafeInteger(witnessSize) || witnessSize < 0) {
      throw new OmegaError(
        Code.Unavailable,
        `witness ${endpoint}: 409 without a size (${JSON.stringify(body.trim())})`,
      );
    }
    if (witnessSize > checkpoint.size) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `witness ${endpoint} already cosigned size ${witnessSize}, newer than this checkpoint (size ${checkpoint.size}): verify again`,
      );
    }
    oldSize = witnessSize;
    proof =
      oldSize > 0 && oldSize < checkpoint.size
        ? await source.consistencyProof(oldSize, checkpoint.size)
        : [];
  }
  throw new OmegaError(
    Code.Unavailable,
    `witness ${endpoint}: its size kept changing while asking it to cosign size ${checkpoint.size}`,
  );
}
