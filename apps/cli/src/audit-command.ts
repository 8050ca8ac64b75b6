// `omega audit verify|proof|show`: check the log's checkpoint against the pinned key and history.
import { readFile } from 'node:fs/promises';
import {
  checkpointNoteOf,
  ed25519NoteVerifier,
  hashLeaf,
  mlDsa65NoteVerifier,
  parseCheckpoint,
  parseSignedNote,
  verifyBundle,
  verifyCheckpoint,
  verifyCheckpointConsistency,
  verifyCosignature,
  verifyInclusion,
  parseWitnessVerifierKey,
  type CheckpointPolicy,
} from '@omega/auditlog';
import { loadMlDsaBackend, publicKeyFromText, publicKeyToText } from '@omega/crypto';
import { AuditEntry, type HybridPublicKey } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { checkFullLog } from './audit-full-check';
import { AuditSource, type AuditSourceOptions } from './audit-source';
import { loadAuditState, saveAuditState, type AuditState } from './audit-state';
import { collectCosignature } from './witness-client';

export interface AuditCommandOptions extends AuditSourceOptions {
  stateFile: string;
  /** A file holding the log's public key in text form (overrides and checks the pinned one). */
  logKeyFile?: string;
  /** `verify --full`: also check every entry bundle and tile against the signed root (--tlog). */
  full?: boolean;
  /** `verify --witness <vkey>`: require a valid cosignature from this witness. */
  witness?: string;
  /** Where that witness answers C2SP tlog-witness add-checkpoint requests. */
  witnessUrl?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Exit codes: 0 fine, 1 a check failed, 3 the log forked or rolled back. */
export const EXIT_FORKED = 3;

/** The pinned key and origin: --log-key, else the state file, else pinned now from trust (TOFU). */
export async function pinnedLog(
  opts: AuditCommandOptions,
  state: AuditState,
  source: AuditSource,
): Promise<{ key: HybridPublicKey; origin: string; pinnedNow: boolean }> {
  let key: HybridPublicKey | undefined;
  if (opts.logKeyFile) {
    key = publicKeyFromText(await readFile(opts.logKeyFile, 'utf8'));
    if (state.logKey && publicKeyFromText(state.logKey).keyId !== key.keyId) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `--log-key ${opts.logKeyFile} is key ${key.keyId}, but ${opts.stateFile} pinned another key: ` +
          'if the log key was rotated on purpose, remove the state file',
      );
    }
  } else if (state.logKey) key = publicKeyFromText(state.logKey);
  if (key && state.origin) return { key, origin: state.origin, pinnedNow: false };
  // The bundle lists the trust root key first; the log key is the one its checkpoints name.
  const bundle = await source.trustBundle();
  const logKeyId = (await source.checkpoint()).signature?.keyId;
  const offered = bundle.rootKeys.find((k) => k.keyId === logKeyId);
  if (!offered) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `trust's bundle has no key ${logKeyId ?? '(unnamed)'}, the key its checkpoints are signed with`,
    );
  }
  return { key: key ?? offered, origin: bundle.auditLogOrigin, pinnedNow: key === undefined };
}

/** What a command that reads the log works with: the saved state, the source, the pinned key. */
export interface PinnedLog {
  state: AuditState;
  source: AuditSource;
  key: HybridPublicKey;
  origin: string;
  pinnedNow: boolean;
}

/** Loads the CLI state, opens the log source, resolves the pinned log key, runs, then closes. */
export async function withPinnedLog(
  opts: AuditCommandOptions,
  run: (log: PinnedLog) => Promise<number>,
): Promise<number> {
  const state = await loadAuditState(opts.stateFile);
  const source = new AuditSource(opts);
  try {
    return await run({ state, source, ...(await pinnedLog(opts, state, source)) });
  } finally {
    source.close();
  }
}

export async function logPolicy(key: HybridPublicKey, origin: string): Promise<CheckpointPolicy> {
  const mlDsa = await loadMlDsaBackend('liboqs');
  return {
    origin,
    verifiers: [
      ed25519NoteVerifier(origin, key.ed25519),
      mlDsa65NoteVerifier(origin, key.mlDsa, (m, s, k) => mlDsa.verify(m, s, k)),
    ],
  };
}

/** `omega audit verify`. */
export async function auditVerify(opts: AuditCommandOptions): Promise<number> {
  const out = opts.out ?? console.log;
  const err = opts.err ?? console.error;
  return withPinnedLog(opts, async ({ state, source, key, origin, pinnedNow }) => {
    const policy = await logPolicy(key, origin);
    const note = await source.checkpointNote(key);
    let checkpoint;
    try {
      ({ checkpoint } = await verifyCheckpoint(note, policy));
    } catch (e) {
      err(`audit verify: checkpoint signature check FAILED: ${errorMessage(e)}`);
      return 1;
    }
    if (state.lastCheckpoint) {
      const previous = parseCheckpoint(parseSignedNote(state.lastCheckpoint).text);
      try {
        const proof =
          checkpoint.size > previous.size && previous.size > 0
            ? await source.consistencyProof(previous.size, checkpoint.size)
            : [];
        verifyCheckpointConsistency(previous, checkpoint, proof);
      } catch (e) {
        const message = errorMessage(e);
        if (/log (forked|rolled back)/.test(message)) {
          err('');
          err('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
          err(
            `!!! AUDIT LOG ${/rolled back/.test(message) ? 'ROLLED BACK' : 'FORKED'}: ${message}`,
          );
          err(`!!! the last checkpoint this CLI saw is kept in ${opts.stateFile} as evidence`);
          err('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
          return EXIT_FORKED;
        }
        err(`audit verify: consistency check FAILED: ${message}`);
        return 1;
      }
      out(`consistent with size ${previous.size} seen before`);
    }
    await saveAuditState(opts.stateFile, {
      logKey: publicKeyToText(key),
      origin,
      lastCheckpoint: note,
    });
    if (pinnedNow) out(`pinned log key ${key.keyId} (${origin}) on first use in ${opts.stateFile}`);
    out(
      `checkpoint OK: ${origin} size ${checkpoint.size} root ${Buffer.from(checkpoint.rootHash).toString('hex')} ` +
        '(ed25519 + ml-dsa-65 signatures verified)',
    );
    if (opts.witness) {
      try {
        const witness = parseWitnessVerifierKey(opts.witness);
        if (!opts.witnessUrl) {
          throw new OmegaError(
            Code.InvalidArgument,
            `--witness ${witness.name} needs --witness-url, where it cosigns checkpoints`,
          );
        }
        const cosigned = await collectCosignature(opts.witnessUrl, note, checkpoint, source);
        const { timestampSeconds } = await verifyCosignature(cosigned, witness);
        out(
          `cosigned by witness ${witness.name} at ${new Date(timestampSeconds * 1000).toISOString()} ` +
            '(cosignature/v1 verified)',
        );
      } catch (e) {
        err(`audit verify: witness cosignature check FAILED: ${errorMessage(e)}`);
        return 1;
      }
    }
    if (!opts.full) return 0;
    if (!opts.tlog) {
      err(
        'audit verify --full: needs the tlog-tiles URL to read entry bundles and tiles: pass --tlog URL',
      );
      return 1;
    }
    const full = await checkFullLog((path) => source.tlogFile(path), checkpoint, err);
    if (!full.ok) {
      err(`audit verify --full: FAILED at size ${checkpoint.size}:`);
      for (const problem of full.problems) err(`  ${problem}`);
      return 1;
    }
    out(
      `full check OK: ${checkpoint.size} entries in ${full.bundles} entry bundles and ${full.tiles} tiles ` +
        `(levels 0..${full.topLevel}) reproduce the signed root`,
    );
    return 0;
  });
}

/** `omega audit proof <index>`: fetch and check the entry's inclusion proof. */
export async function auditProof(opts: AuditCommandOptions, index: number): Promise<number> {
  const out = opts.out ?? console.log;
  const err = opts.err ?? console.error;
  return withPinnedLog(opts, async ({ source, key, origin }) => {
    const { proof, checkpoint } = await source.inclusionProof(index);
    try {
      const entry = AuditEntry.encode(await source.entry(index)).finish();
      if (Buffer.compare(hashLeaf(entry), proof.leafHash) !== 0) {
        throw new OmegaError(
          Code.DataLoss,
          `entry ${index} does not hash to the proof's leaf hash`,
        );
      }
      await verifyBundle(
        {
          origin,
          index,
          entry,
          inclusionProof: proof.hashes,
          checkpoint: checkpointNoteOf(checkpoint, key),
        },
        await logPolicy(key, origin),
      );
    } catch (e) {
      err(`audit proof: entry ${index}: ${errorMessage(e)}`);
      return 1;
    }
    out(`entry ${index} is included in ${origin} at size ${proof.treeSize}`);
    out(`leaf hash ${Buffer.from(proof.leafHash).toString('hex')}`);
    proof.hashes.forEach((h, i) => out(`  ${i}: ${Buffer.from(h).toString('hex')}`));
    return 0;
  });
}

/**
 * `omega audit show <index>`: the entry as JSON, shown as verified only when its inclusion proof
 * leads to the root of a checkpoint signed by the pinned log key. With --tlog the entry and proof
 * come from the entry bundles and tiles, so trust's answers are not needed at all.
 */
export async function auditShow(opts: AuditCommandOptions, index: number): Promise<number> {
  const out = opts.out ?? console.log;
  const err = opts.err ?? console.error;
  return withPinnedLog(opts, async ({ source, key, origin }) => {
    let entry: Uint8Array | undefined;
    let size = 0;
    try {
      const { checkpoint } = await verifyCheckpoint(
        await source.checkpointNote(key),
        await logPolicy(key, origin),
      );
      size = checkpoint.size;
      let proof: Uint8Array[];
      if (opts.tlog) {
        entry = await source.entryFromTiles(index, size);
        proof = await source.inclusionProofFromTiles(index, size);
      } else {
        entry = AuditEntry.encode(await source.entry(index)).finish();
        proof = (await source.inclusionProof(index, size)).proof.hashes;
      }
      verifyInclusion(hashLeaf(entry), index, size, proof, checkpoint.rootHash);
    } catch (e) {
      let shown: unknown = null;
      try {
        shown = entry ? AuditEntry.toJSON(AuditEntry.decode(entry)) : null;
      } catch (decodeError) {
        shown = `(not an AuditEntry: ${errorMessage(decodeError)})`;
      }
      out(
        JSON.stringify({ index, verified: false, problem: errorMessage(e), entry: shown }, null, 2),
      );
      err(`!!! audit show: entry ${index} is NOT VERIFIED: ${errorMessage(e)}`);
      err('!!! it is not shown as logged: the log did not sign these bytes at this index');
      return 1;
    }
    const json = AuditEntry.toJSON(AuditEntry.decode(entry));
    out(JSON.stringify({ index, verified: true, treeSize: size, entry: json }, null, 2));
    err(
      `verified: entry ${index} is included in ${origin} at size ${size} (inclusion proof to a ` +
        'checkpoint whose ed25519 + ml-dsa-65 signatures verify with the pinned key)',
    );
    return 0;
  });
}
