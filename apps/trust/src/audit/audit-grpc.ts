// The audit and attestation RPCs of omega.v1.TrustService, as plain async handlers.
import { checkpointToMessage, hashLeaf } from '@omega/auditlog';
import type { HybridSigner, HybridVerifier } from '@omega/crypto';
import {
  AppendAuditBatchResponse,
  AppendAuditResponse,
  AuditEntry,
  AuditEntryKind,
  DsseEnvelope,
  encodeMessage,
  TrustServiceService,
  VerificationFailure,
  type AppendAuditBatchRequest,
  type Attestation,
  type VerifyArtifactResponse,
} from '@omega/proto';
import { Code, OmegaError, type ServiceHandlers } from '@omega/runtime';
import type { AppendedBundle, AuditLog, LogCheckpoint } from './audit-log';
import { encodeBatchAnswer, EncodedBatchAnswer, type BatchAnswer } from './batch-answer';
import {
  attestationEntry,
  checkAttestation,
  DSSE_ENVELOPE_TYPE,
  signAttestation,
} from './artifact-attestation';

export interface AuditRpcDeps {
  log: AuditLog;
  /** The `log` key's signer: attestations are signed with the same key the checkpoints are. */
  signer: HybridSigner;
  verifier: HybridVerifier;
  /** The identity attestations name as their signer, e.g. `omega://omega.local/trust`. */
  signerId: string;
  nowNs?: () => bigint;
}

const DEFAULT_PAGE = 100;
/** Entries in one AppendAuditBatch call: one log batch. */
export const MAX_BATCH_APPENDS = 1024;
const MAX_PAGE = 1000;

/**
 * TrustService as grpc-js serves it. Append answers carry a bundle per entry (~90 KB for a batch
 * of 128): AppendAuditBatch's come encoded already (batch-answer.ts), AppendAudit's go through
 * one reused writer rather than a fresh, doubling one per answer.
 */
export const trustServiceDefinition = {
  ...TrustServiceService,
  appendAudit: {
    ...TrustServiceService.appendAudit,
    responseSerialize: (value: AppendAuditResponse): Buffer =>
      encodeMessage(AppendAuditResponse, value),
  },
  appendAuditBatch: {
    ...TrustServiceService.appendAuditBatch,
    responseSerialize: (value: BatchAnswer): Buffer =>
      value instanceof EncodedBatchAnswer
        ? value.bytes
        : encodeMessage(AppendAuditBatchResponse, value),
  },
} as const satisfies typeof TrustServiceService;

/** TrustService's handlers, typed by the definition it is served with. */
export type TrustHandlers = ServiceHandlers<typeof trustServiceDefinition>;

function safeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new OmegaError(Code.InvalidArgument, `${field} ${value} is above 2^53-1`);
  }
  return Number(value);
}

/**
 * AppendAudit, ListAuditEntries, GetCheckpoint, GetInclusionProof, GetConsistencyProof,
 * AttestArtifact and VerifyArtifact. Merge with the identity handlers and
 * `unimplementedService` for the rest.
 */
export function auditGrpcHandlers(deps: AuditRpcDeps): TrustHandlers {
  const { log } = deps;
  const nowNs = deps.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
  const keyId = deps.signer.publicKey.keyId;
  const attested = new Map<string, number>();
  const message = (checkpoint: LogCheckpoint) =>
    checkpointToMessage(checkpoint.note, keyId, checkpoint.timeNs);
  const checkpointFor = (size: number) => {
    const checkpoint = size === 0 ? log.latestCheckpoint : log.checkpointAt(size);
    if (!checkpoint) {
      throw new OmegaError(
        Code.NotFound,
        `audit log: no checkpoint at tree size ${size} (the latest is ${log.latestCheckpoint.size})`,
      );
    }
    return checkpoint;
  };

  const appended = (bundle: AppendedBundle): AppendAuditResponse => ({
    audit: {
      logIndex: BigInt(bundle.index),
      leafHash: asBuffer(bundle.leafHash),
      checkpointSize: BigInt(bundle.checkpointSize),
    },
    commitmentSalt: asBuffer(bundle.opening?.salt ?? new Uint8Array()),
    inclusionProof: bundle.inclusionProof.map(asBuffer),
    checkpointNote: bundle.checkpoint,
    entry: asBuffer(bundle.entry),
  });

  return {
    appendAudit: async (request) => {
      if (!request.entry)
        throw new OmegaError(Code.InvalidArgument, 'AppendAudit: entry is required');
      return appended(
        await log.append(request.entry, {
          requestId: request.requestId,
          commit: request.commit,
        }),
      );
    },

    appendAuditBatch: async (request) => {
      checkBatch(request);
      const bundles = await log
        .appendAll(
          request.appends.map((append) => ({
            entry: append.entry!,
            options: { requestId: append.requestId, commit: append.commit },
          })),
        )
        .catch((err: unknown) => {
          throw OmegaError.wrap(err, 'AppendAuditBatch');
        });
      return encodeBatchAnswer(bundles);
    },

    listAuditEntries: async (request) => {
      const start = safeNumber(request.startIndex, 'start_index');
      const pageSize = Math.min(request.pageSize || DEFAULT_PAGE, MAX_PAGE);
      // Each entry is checked against the signed root before it is answered: an entry bundle
      // altered in the tile store fails the call, naming the entry, and is never shown as logged.
      const { entries: leaves, checkpoint } = await log.readVerifiedEntries(start, pageSize);
      const records = leaves
        .map((leaf, i) => ({ leaf, index: start + i, entry: AuditEntry.decode(leaf) }))
        .filter(
          ({ entry }) =>
            (request.kind === AuditEntryKind.AUDIT_ENTRY_KIND_UNSPECIFIED ||
              entry.kind === request.kind) &&
            (!request.subject || entry.subject === request.subject),
        )
        .map(({ leaf, index, entry }) => ({
          ref: {
            logIndex: BigInt(index),
            leafHash: Buffer.from(hashLeaf(leaf)),
            checkpointSize: BigInt(checkpoint.size),
          },
          entry,
        }));
      return { records, nextIndex: BigInt(start + leaves.length) };
    },

    getCheckpoint: async (request) => ({
      checkpoint: message(checkpointFor(safeNumber(request.treeSize, 'tree_size'))),
    }),

    getInclusionProof: async (request) => {
      const checkpoint = checkpointFor(safeNumber(request.treeSize, 'tree_size'));
      let index: number;
      if (request.leaf?.$case === 'logIndex') index = safeNumber(request.leaf.value, 'log_index');
      else if (request.leaf?.$case === 'leafHash') {
        const found = log.indexOfLeafHash(request.leaf.value);
        if (found === undefined) {
          throw new OmegaError(
            Code.NotFound,
            'GetInclusionProof: leaf hash not known to this replica; ask by log_index',
          );
        }
        index = found;
      } else
        throw new OmegaError(
          Code.InvalidArgument,
          'GetInclusionProof: log_index or leaf_hash is required',
        );
      if (index >= checkpoint.size) {
        throw new OmegaError(
          Code.OutOfRange,
          `GetInclusionProof: index ${index} is not below tree size ${checkpoint.size}`,
        );
      }
      const [leaf] = await log.readEntries(index, 1);
      const hashes = await log.inclusionProof(index, checkpoint.size);
      return {
        proof: {
          logIndex: BigInt(index),
          treeSize: BigInt(checkpoint.size),
          leafHash: Buffer.from(hashLeaf(leaf!)),
          hashes: hashes.map((h) => Buffer.from(h)),
        },
        checkpoint: message(checkpoint),
      };
    },

    getConsistencyProof: async (request) => {
      const checkpoint = checkpointFor(safeNumber(request.secondTreeSize, 'second_tree_size'));
      const first = safeNumber(request.firstTreeSize, 'first_tree_size');
      if (first > checkpoint.size) {
        throw new OmegaError(
          Code.OutOfRange,
          `GetConsistencyProof: first_tree_size ${first} is beyond ${checkpoint.size}`,
        );
      }
      const hashes = await log.consistencyProof(first, checkpoint.size);
      return {
        proof: {
          firstTreeSize: BigInt(first),
          secondTreeSize: BigInt(checkpoint.size),
          hashes: hashes.map((h) => Buffer.from(h)),
        },
        checkpoint: message(checkpoint),
      };
    },

    attestArtifact: async (request) => {
      if (!request.subject)
        throw new OmegaError(Code.InvalidArgument, 'AttestArtifact: subject is required');
      const envelope = signAttestation(
        deps.signer,
        request.subject,
        request.predicateType,
        request.predicate,
      );
      const signer = { id: deps.signerId, keyId };
      const bundle = await log.append(
        attestationEntry(envelope, request.subject, signer, nowNs()),
        request.requestId ? { requestId: `attest:${request.requestId}` } : {},
      );
      // A retried request returns the envelope that was logged the first time.
      const logged = DsseEnvelope.decode(AuditEntry.decode(bundle.entry).payload);
      attested.set(Buffer.from(request.subject.sha256).toString('hex'), bundle.index);
      const attestation: Attestation = {
        subject: request.subject,
        predicateType: request.predicateType,
        envelope: logged,
        signer,
        audit: {
          logIndex: BigInt(bundle.index),
          leafHash: Buffer.from(hashLeaf(bundle.entry)),
          checkpointSize: BigInt(log.latestCheckpoint.size),
        },
      };
      return { attestation };
    },

    verifyArtifact: async (request) => {
      const subject = request.subject;
      if (!subject)
        throw new OmegaError(Code.InvalidArgument, 'VerifyArtifact: subject is required');
      const digest = Buffer.from(subject.sha256).toString('hex');
      let envelopes = request.envelopes;
      let index = attested.get(digest);
      if (envelopes.length === 0 && index !== undefined) {
        const [leaf] = await log.readEntries(index, 1);
        const entry = AuditEntry.decode(leaf!);
        if (entry.payloadType === DSSE_ENVELOPE_TYPE)
          envelopes = [DsseEnvelope.decode(entry.payload)];
      }
      if (envelopes.length === 0) {
        return fail(
          VerificationFailure.VERIFICATION_FAILURE_NOT_LOGGED,
          `no attestation of sha256:${digest} known to this replica`,
        );
      }
      if (request.expectedSignerId && request.expectedSignerId !== deps.signerId) {
        return fail(
          VerificationFailure.VERIFICATION_FAILURE_IDENTITY_MISMATCH,
          `this trust signs as ${deps.signerId}, not ${request.expectedSignerId}`,
        );
      }
      let last = {
        failure: VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
        detail: 'no envelope',
      };
      for (const envelope of envelopes) {
        const problem = checkAttestation(
          envelope,
          subject.sha256,
          deps.signer.publicKey,
          deps.verifier,
          request.expectedPredicateType || undefined,
        );
        if (problem) {
          last = problem;
          continue;
        }
        if (index === undefined) {
          return fail(
            VerificationFailure.VERIFICATION_FAILURE_NOT_LOGGED,
            `attestation of sha256:${digest} is signed but not found in the log by this replica`,
          );
        }
        return {
          valid: true,
          failure: VerificationFailure.VERIFICATION_FAILURE_UNSPECIFIED,
          detail: '',
          attestations: [
            {
              subject,
              predicateType: JSON.parse(Buffer.from(envelope.payload).toString('utf8'))
                .predicateType,
              envelope,
              signer: { id: deps.signerId, keyId },
              audit: { logIndex: BigInt(index), leafHash: Buffer.alloc(0), checkpointSize: 0n },
            },
          ],
        };
      }
      index = undefined;
      return fail(last.failure, last.detail);
    },
  };
}

function fail(failure: VerificationFailure, detail: string): VerifyArtifactResponse {
  return { valid: false, failure, detail, attestations: [] };
}

/** The shape of an AppendAuditBatch request; AuditLog.appendAll checks each entry's limits. */
function checkBatch(request: AppendAuditBatchRequest): void {
  const count = request.appends.length;
  if (count === 0) throw new OmegaError(Code.InvalidArgument, 'AppendAuditBatch: appends is empty');
  if (count > MAX_BATCH_APPENDS) {
    throw new OmegaError(
      Code.InvalidArgument,
      `AppendAuditBatch: ${count} appends, above the limit of ${MAX_BATCH_APPENDS} per call`,
    );
  }
  request.appends.forEach((append, i) => {
    if (!append.entry) {
      throw new OmegaError(
        Code.InvalidArgument,
        `AppendAuditBatch: appends[${i}].entry is required`,
      );
    }
  });
}

/** Bytes for a protobuf bytes field: a Buffer as it is, other bytes viewed without a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
