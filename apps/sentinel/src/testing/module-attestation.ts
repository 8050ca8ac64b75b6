// Test-only: has trust attest a module (AttestArtifact: signed with the log key, appended to the
// audit log) and assembles the ModuleAttestation a sentinel verifies offline, the way
// `omega attest` assembles its bundle.
import { createHash } from 'node:crypto';
import { checkpointNoteOf } from '@omega/auditlog';
import {
  AttestArtifactRequest,
  AuditEntry,
  GetCheckpointRequest,
  GetInclusionProofRequest,
  ListAuditEntriesRequest,
  type ModuleAttestation,
  type TrustServiceService,
} from '@omega/proto';
import type { PromiseClient } from '@omega/runtime';
import {
  MODULE_MEDIA_TYPE,
  MODULE_PREDICATE_TYPE,
  moduleSubjectName,
  type ModuleTrustAnchor,
} from '../modules/module-verifier';

type TrustClient = PromiseClient<typeof TrustServiceService>;

/** The audit log key and origin, as the CLI pins them: the bundle's key that signs checkpoints. */
export async function trustAnchor(trust: TrustClient): Promise<ModuleTrustAnchor> {
  const bundle = await trust.getTrustBundle({});
  const { checkpoint } = await trust.getCheckpoint(GetCheckpointRequest.fromPartial({}));
  const key = bundle.rootKeys.find((k) => k.keyId === checkpoint!.signature?.keyId);
  if (!key) throw new Error('trust bundle has no key that signs its checkpoints');
  return { key, origin: bundle.auditLogOrigin, signerId: 'trust' };
}

export async function attestModule(
  trust: TrustClient,
  anchor: ModuleTrustAnchor,
  module: { name: string; version: string; wasm: Uint8Array },
): Promise<ModuleAttestation> {
  const sha256 = createHash('sha256').update(module.wasm).digest();
  const { attestation } = await trust.attestArtifact(
    AttestArtifactRequest.fromPartial({
      subject: {
        name: moduleSubjectName(module.name, module.version),
        sha256,
        mediaType: MODULE_MEDIA_TYPE,
      },
      predicateType: MODULE_PREDICATE_TYPE,
      // empty: the subject names module and version, and log entries are bounded (4000 bytes)
      predicate: Buffer.alloc(0),
    }),
  );
  const index = attestation!.audit!.logIndex;
  const { proof, checkpoint } = await trust.getInclusionProof(
    GetInclusionProofRequest.fromPartial({ leaf: { $case: 'logIndex', value: index } }),
  );
  const { records } = await trust.listAuditEntries(
    ListAuditEntriesRequest.fromPartial({ startIndex: index, pageSize: 1 }),
  );
  return {
    envelope: attestation!.envelope,
    origin: anchor.origin,
    logIndex: index,
    entry: Buffer.from(AuditEntry.encode(records[0]!.entry!).finish()),
    inclusionProof: proof!.hashes.map((h) => Buffer.from(h)),
    checkpointNote: checkpointNoteOf(checkpoint!, anchor.key),
  };
}
