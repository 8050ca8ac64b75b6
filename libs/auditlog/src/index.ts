// Public entry of @omega/auditlog: a pure RFC 9162 Merkle log with C2SP tiles, checkpoints and notes.
//
// Everything here is computation: no I/O, no clock, no randomness. Errors are OmegaError with
// InvalidArgument for malformed input and DataLoss for data that does not check out (root
// mismatch, bad signature, fork, rollback, corrupt tile). The offline bundle and the checkpoint
// message speak omega.v1 (AuditEntry, Checkpoint) so that trust and the CLI share one check.
export {
  EMPTY_ROOT,
  HASH_SIZE,
  hashChildren,
  hashLeaf,
  rootFromLeafHashes,
  splitPoint,
} from './merkle-hash';
export { rangeNodes, type NodeHash, type NodeId } from './tree-node';
export {
  buildConsistencyProof,
  buildInclusionProof,
  consistencyProofLength,
  consistencyProofPlan,
  inclusionProofLength,
  inclusionProofPlan,
  ProofPlan,
  type HashReader,
} from './proof-plan';
export { BatchInclusionPlan } from './batch-inclusion-proofs';
export { rootFromInclusionProof, verifyInclusion } from './inclusion-proof';
export { verifyConsistency } from './consistency-proof';
export {
  CompactRange,
  compactRangeNodes,
  type AppendResult,
  type BatchAppendResult,
} from './compact-range';
export {
  encodeTileIndex,
  entryBundlePath,
  MAX_TILE_LEVEL,
  parseTilePath,
  partialEntryBundle,
  partialTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileAt,
  tileLayout,
  tilePath,
  type EntryBundleId,
  type TileId,
  type TileLevelLayout,
  type TileResource,
} from './tile';
export { TileBuilder, type Tile } from './tile-builder';
export {
  COSIGNATURE_V1_TYPE,
  cosignatureV1Message,
  cosignCheckpoint,
  formatWitnessSignerKey,
  formatWitnessVerifierKey,
  parseWitnessSignerKey,
  parseWitnessVerifierKey,
  verifyCosignature,
  witnessSigner,
  type WitnessKey,
  type WitnessSigner,
} from './cosignature';
export {
  decideAddCheckpoint,
  formatAddCheckpoint,
  parseAddCheckpoint,
  type AddCheckpointRequest,
  type WitnessDecision,
} from './witness';
export {
  entryBundlesOf,
  firstTileDifference,
  TreeRecomputation,
  type TileDifference,
} from './tree-recomputation';
export { TileHashReader, TileNodeCache, type TileSource } from './tile-hash-reader';
export {
  decodeEntryBundle,
  encodeEntryBundle,
  MAX_BUNDLE_ENTRY_BYTES,
  MAX_ENTRY_BYTES,
  type EntryBundle,
} from './entry-bundle';
export { LogTree, type LogTreeState, type TreeLeaf, type TreeWrites } from './log-tree';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint';
export {
  DEFAULT_NOTE_LIMITS,
  formatSignedNote,
  KEY_HASH_SIZE,
  noteKeyHash,
  parseSignedNote,
  signNote,
  verifyNote,
  type NoteAlgorithm,
  type NoteLimits,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type SignedNote,
} from './signed-note';
export {
  ED25519_NOTE_TYPE,
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SIGNATURE_SIZE,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  ed25519RawPublicKey,
} from './ed25519-note-key';
export {
  ML_DSA_65_NOTE_TYPE,
  ML_DSA_65_NOTE_TYPE_ID,
  ML_DSA_65_PUBLIC_KEY_SIZE,
  ML_DSA_65_SIGNATURE_SIZE,
  mlDsa65NoteSigner,
  mlDsa65NoteVerifier,
  type MlDsa65Sign,
  type MlDsa65Verify,
} from './ml-dsa-note-key';
export { formatVerifierKey, parseVerifierKey, type VerifierKey } from './verifier-key';
export {
  DEFAULT_REQUIRED_ALGORITHMS,
  signCheckpoint,
  verifyCheckpoint,
  type CheckpointPolicy,
  type VerifiedCheckpoint,
} from './checkpoint-verifier';
export { verifyCheckpointConsistency } from './checkpoint-consistency';
export {
  COMMITMENT_DOMAIN,
  COMMITMENT_SALT_SIZE,
  COMMITMENT_SIZE,
  commitToEntry,
  verifyCommitmentOpening,
  type CommitmentOpening,
} from './commitment';
export {
  bundleFromJson,
  bundleToJson,
  COMMITTED_ENTRY_TYPE,
  verifyBundle,
  type AuditBundle,
  type VerifiedBundle,
} from './audit-bundle';
export { checkpointNoteOf, checkpointToMessage } from './checkpoint-message';
export { dssePae } from './dsse';
export {
  MODULE_MEDIA_TYPE,
  MODULE_PREDICATE_TYPE,
  moduleSubjectName,
  verifyAttestedArtifact,
  type AttestedArtifactCheck,
  type VerifiedArtifact,
} from './attested-artifact';
