// tlog-tiles entry bundles: up to 256 log entries, each prefixed by its big-endian uint16 length.
import { Code, OmegaError } from '@omega/errors';
import { TILE_WIDTH, type EntryBundleId } from './tile';

/** Largest entry a bundle can carry (the length prefix is a uint16). */
export const MAX_BUNDLE_ENTRY_BYTES = 0xffff;

/**
 * Largest entry Omega's audit log takes, encoded: a full bundle of 256 of them must fit one 1 MiB
 * KV value. Trust refuses bigger entries and its callers shorten theirs to fit.
 */
export const MAX_ENTRY_BYTES = 4000;

/** An entry bundle and its encoded bytes, as a tile store keeps it. */
export interface EntryBundle {
  readonly id: EntryBundleId;
  readonly bytes: Uint8Array;
}

/** Encodes 1..256 entries as one bundle. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new OmegaError(
      Code.InvalidArgument,
      `entry bundle: ${entries.length} entries, want 1 to ${TILE_WIDTH}`,
    );
  }
  let total = 0;
  entries.forEach((entry, i) => {
    if (entry.length > MAX_BUNDLE_ENTRY_BYTES) {
      throw new OmegaError(
        Code.InvalidArgument,
        `entry bundle: entry ${i} is ${entry.length} bytes, above the ${MAX_BUNDLE_ENTRY_BYTES}-byte limit of a uint16 length`,
      );
    }
    total += 2 + entry.length;
  });
  const bundle = new Uint8Array(total);
  let at = 0;
  for (const entry of entries) {
    bundle[at] = entry.length >>> 8;
    bundle[at + 1] = entry.length & 0xff;
    bundle.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return bundle;
}

/**
 * Decodes a bundle; with `width` given, the bundle must hold exactly that many entries. Throws
 * DataLoss naming the byte offset when the bytes are truncated or hold too many entries.
 */
export function decodeEntryBundle(bundle: Uint8Array, width?: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (entries.length === TILE_WIDTH) {
      throw new OmegaError(
        Code.DataLoss,
        `entry bundle: more than ${TILE_WIDTH} entries (extra bytes at offset ${at})`,
      );
    }
    if (at + 2 > bundle.length) {
      throw new OmegaError(
        Code.DataLoss,
        `entry bundle: truncated length prefix of entry ${entries.length} at offset ${at}`,
      );
    }
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) {
      throw new OmegaError(
        Code.DataLoss,
        `entry bundle: entry ${entries.length} at offset ${at} claims ${length} bytes, only ${bundle.length - at - 2} remain`,
      );
    }
    entries.push(Uint8Array.from(bundle.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  if (width !== undefined && entries.length !== width) {
    throw new OmegaError(
      Code.DataLoss,
      `entry bundle: holds ${entries.length} entries, want ${width}`,
    );
  }
  return entries;
}
