// `omega attest <file>` writes <file>.omega-attestation; `omega verify <file>` checks it offline.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  bundleFromJson,
  bundleToJson,
  checkpointNoteOf,
  dssePae,
  verifyBundle,
  type VerifiedBundle,
} from '@omega/auditlog';
import { HybridVerifier, loadMlDsaBackend, publicKeyToText, SignaturePurpose } from '@omega/crypto';
import { AttestArtifactRequest, Attestation, AuditEntry, DsseEnvelope } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { logPolicy, withPinnedLog, type AuditCommandOptions } from './audit-command';
import { saveAuditState } from './audit-state';

export const ATTESTATION_SUFFIX = '.omega-attestation';
const PREDICATE_TYPE = 'https://omega.dev/attestation/file/v1';

/**
 * What the attestation file holds: the attestation and the offline proof that it was logged, in
 * the audit bundle's JSON form (bundleToJson).
 */
interface AttestationFile {
  attestation: unknown;
  bundle: unknown;
}

export async function attestFile(opts: AuditCommandOptions, file: string): Promise<number> {
  const out = opts.out ?? console.log;
  const bytes = await readFile(file);
  const digest = createHash('sha256').update(bytes).digest();
  return withPinnedLog(opts, async ({ state, source, key, origin, pinnedNow }) => {
    if (pinnedNow) {
      await saveAuditState(opts.stateFile, { ...state, logKey: publicKeyToText(key), origin });
      out(`pinned log key ${key.keyId} (${origin}) on first use in ${opts.stateFile}`);
    }
    const { attestation } = await source.attest(
      AttestArtifactRequest.fromPartial({
        subject: { name: basename(file), sha256: digest, mediaType: 'application/octet-stream' },
        predicateType: PREDICATE_TYPE,
        predicate: Buffer.from(JSON.stringify({ sizeBytes: bytes.length })),
        requestId: `file:${digest.toString('hex')}`,
      }),
    );
    const index = Number(attestation!.audit!.logIndex);
    const { proof, checkpoint } = await source.inclusionProof(index);
    const entry = AuditEntry.encode(await source.entry(index)).finish();
    const record: AttestationFile = {
      attestation: Attestation.toJSON(attestation!),
      bundle: JSON.parse(
        bundleToJson({
          origin: checkpoint.origin,
          index,
          entry,
          inclusionProof: proof.hashes,
          checkpoint: checkpointNoteOf(checkpoint, key),
        }),
      ),
    };
    await writeFile(`${file}${ATTESTATION_SUFFIX}`, `${JSON.stringify(record, null, 2)}\n`);
    out(`attested ${file} sha256:${digest.toString('hex')} as log entry ${index}`);
    out(`wrote ${file}${ATTESTATION_SUFFIX}`);
    return 0;
  });
}

/** Checks, offline, each failure naming its check: digest, signature, checkpoint, inclusion, log entry. */
export async function verifyFile(opts: AuditCommandOptions, file: string): Promise<number> {
  const out = opts.out ?? console.log;
  const err = opts.err ?? console.error;
  return withPinnedLog(opts, async ({ key, origin }) => {
    try {
      const record = JSON.parse(
        await readFile(`${file}${ATTESTATION_SUFFIX}`, 'utf8'),
      ) as AttestationFile;
      const attestation = Attestation.fromJSON(record.attestation);
      const envelope = attestation.envelope ?? DsseEnvelope.fromPartial({});
      const check = async (name: string, run: () => void | Promise<void>) => {
        try {
          await run();
        } catch (e) {
          throw new OmegaError(
            Code.DataLoss,
            `verify ${file}: ${name} check failed: ${errorMessage(e)}`,
          );
        }
      };
      const digest = createHash('sha256')
        .update(await readFile(file))
        .digest();
      await check('digest', () => {
        const statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as {
          subject: Array<{ digest: { sha256: string } }>;
        };
        if (!statement.subject.some((s) => s.digest.sha256 === digest.toString('hex'))) {
          throw new Error(
            `the file is sha256:${digest.toString('hex')}, the attestation is about another digest`,
          );
        }
      });
      await check('signature', async () => {
        const signature = envelope.signatures.find((s) => s.keyId === key.keyId);
        if (!signature) throw new Error(`no signature by the pinned key ${key.keyId}`);
        new HybridVerifier(await loadMlDsaBackend('liboqs')).verify(
          key,
          SignaturePurpose.Attestation,
          dssePae(envelope.payloadType, envelope.payload),
          signature,
        );
      });
      const bundle = bundleFromJson(JSON.stringify(record.bundle), `${file}${ATTESTATION_SUFFIX}`);
      let verified: VerifiedBundle;
      try {
        verified = await verifyBundle(bundle, await logPolicy(key, origin));
      } catch (e) {
        throw OmegaError.wrap(e, `verify ${file}`, Code.DataLoss);
      }
      await check('log entry', () => {
        if (Buffer.compare(verified.logged.payload, DsseEnvelope.encode(envelope).finish()) !== 0) {
          throw new Error(`log entry ${bundle.index} records another envelope`);
        }
      });
      out(
        `${file}: OK (sha256:${digest.toString('hex')}, signed by ${key.keyId}, log entry ${bundle.index} of ${origin} size ${verified.checkpoint.size})`,
      );
      return 0;
    } catch (e) {
      err(errorMessage(e));
      return 1;
    }
  });
}
