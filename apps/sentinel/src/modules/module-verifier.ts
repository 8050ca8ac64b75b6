// Verifies a module before the sentinel instantiates it: its bytes' digest is what a DSSE
// attestation by the audit log's key says (subject `modules/<name>@<version>`, module predicate),
// the hybrid signature holds, and the audit bundle proves the attestation is in the log (signed
// checkpoint, inclusion proof, the leaf holds this envelope). Nothing unverified is loaded.
import {
  ed25519NoteVerifier,
  hashLeaf,
  mlDsa65NoteVerifier,
  MODULE_MEDIA_TYPE,
  MODULE_PREDICATE_TYPE,
  moduleSubjectName,
  verifyAttestedArtifact,
  type CheckpointPolicy,
} from '@omega/auditlog';
import { HybridVerifier, loadMlDsaBackend, SignaturePurpose } from '@omega/crypto';
import { Code, OmegaError } from '@omega/runtime';
import type { AuditRef, HybridPublicKey, ModuleAttestation } from '@omega/proto';
import type { VerifiedModule } from './module-host';

export { MODULE_MEDIA_TYPE, MODULE_PREDICATE_TYPE, moduleSubjectName };

/** The audit log the sentinel trusts: its key (attestations and checkpoints) and origin. */
export interface ModuleTrustAnchor {
  key: HybridPublicKey;
  origin: string;
  /** The log key's identity, reported as a module's signer. */
  signerId: string;
}

export interface ModuleToVerify {
  name: string;
  version: string;
  wasm: Uint8Array;
  /** When given, the bytes must have this SHA-256 too. */
  sha256?: Uint8Array;
  attestation: ModuleAttestation | undefined;
}

export class ModuleVerifier {
  private policy: Promise<{ anchor: ModuleTrustAnchor; policy: CheckpointPolicy }> | undefined;

  /** `anchor` is asked once, on the first module (e.g. trust's bundle, pinned from then on). */
  constructor(private readonly anchor: () => Promise<ModuleTrustAnchor>) {}

  private pinned(): Promise<{ anchor: ModuleTrustAnchor; policy: CheckpointPolicy }> {
    this.policy ??= (async () => {
      const anchor = await this.anchor();
      const mlDsa = await loadMlDsaBackend('liboqs');
      const policy: CheckpointPolicy = {
        origin: anchor.origin,
        verifiers: [
          ed25519NoteVerifier(anchor.origin, anchor.key.ed25519),
          mlDsa65NoteVerifier(anchor.origin, anchor.key.mlDsa, (m, s, k) => mlDsa.verify(m, s, k)),
        ],
      };
      return { anchor, policy };
    })();
    this.policy.catch(() => (this.policy = undefined));
    return this.policy;
  }

  /** Checks `module`; PermissionDenied names the module and the check that failed. */
  async verify(module: ModuleToVerify): Promise<VerifiedModule> {
    const what = `module ${module.name} ${module.version}`;
    const a = module.attestation;
    if (!a?.envelope) {
      throw new OmegaError(
        Code.PermissionDenied,
        `${what}: no logged attestation (sign it with \`omega modules sign\`); unverified modules never run`,
      );
    }
    const { anchor, policy } = await this.pinned();
    const verifier = new HybridVerifier(await loadMlDsaBackend('liboqs'));
    const verified = await verifyAttestedArtifact({
      what,
      artifact: module.wasm,
      envelope: a.envelope,
      bundle: {
        origin: a.origin,
        index: Number(a.logIndex),
        entry: a.entry,
        inclusionProof: a.inclusionProof,
        checkpoint: a.checkpointNote,
      },
      policy,
      subjectName: moduleSubjectName(module.name, module.version),
      predicateType: MODULE_PREDICATE_TYPE,
      verifySignature: (pae, signatures) => {
        const signature = signatures.find((s) => s.keyId === anchor.key.keyId);
        if (!signature) throw new Error(`no signature by the audit log's key ${anchor.key.keyId}`);
        verifier.verify(anchor.key, SignaturePurpose.Attestation, pae, signature);
      },
    });
    if (module.sha256 && module.sha256.length > 0 && !verified.sha256.equals(module.sha256)) {
      throw new OmegaError(
        Code.PermissionDenied,
        `${what}: digest check failed: the bytes are sha256:${verified.sha256.toString('hex')}, the request says sha256:${Buffer.from(module.sha256).toString('hex')}`,
      );
    }
    const audit: AuditRef = {
      logIndex: a.logIndex,
      leafHash: Buffer.from(hashLeaf(a.entry)),
      checkpointSize: BigInt(verified.checkpoint.size),
    };
    return {
      name: module.name,
      version: module.version,
      wasm: module.wasm,
      signer: { id: anchor.signerId, keyId: anchor.key.keyId },
      audit,
    };
  }
}
