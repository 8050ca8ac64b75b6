// Reads the vendored Wycheproof vectors in test-corpus/wycheproof (C2SP/wycheproof testvectors_v1,
// Apache-2.0, see its NOTICE) and keeps count of which implementation ran which case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CryptoBackendName } from './ml-dsa-backend';

export const WYCHEPROOF_DIR = join(__dirname, '..', 'test-corpus', 'wycheproof');

export interface WycheproofTest {
  tcId: number;
  comment?: string;
  flags?: string[];
  result: 'valid' | 'invalid' | 'acceptable';
}

export interface WycheproofFile<G extends { tests: WycheproofTest[] }> {
  algorithm: string;
  numberOfTests?: number;
  testGroups: G[];
}

export interface MlDsaVerifyGroup {
  publicKey: string;
  tests: (WycheproofTest & { msg: string; sig: string; ctx?: string })[];
}

export interface MlDsaSignGroup {
  privateSeed: string;
  privateKeyPkcs8: string;
  publicKey: string;
  tests: (WycheproofTest & { msg?: string; mu?: string; sig: string; ctx?: string })[];
}

export interface MlKemKeyGenGroup {
  tests: (WycheproofTest & { seed: string; ek: string; dk: string })[];
}

export interface MlKemEncapsGroup {
  tests: (WycheproofTest & { m: string; ek: string; c: string; K: string })[];
}

export interface MlKemDecapsGroup {
  tests: (WycheproofTest & { seed: string; ek?: string; c: string; K: string })[];
}

export function readVectors<G extends { tests: WycheproofTest[] }>(
  fileName: string,
): WycheproofFile<G> {
  return JSON.parse(gunzipSync(readFileSync(join(WYCHEPROOF_DIR, fileName))).toString('utf8'));
}

/** Hex to a plain Uint8Array; undefined stays undefined. */
export function hex(value: string): Uint8Array;
export function hex(value: string | undefined): Uint8Array | undefined;
export function hex(value: string | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : new Uint8Array(Buffer.from(value, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A null-prototype option bag: noble rejects plain objects from another realm (jest's). */
export function nobleOptions<T extends object>(options: T): T {
  return Object.assign(Object.create(null) as T, options);
}

export interface BackendTally {
  ran: number;
  skipped: Record<string, number>;
}

/**
 * Which implementation ran which case of one file. Every case must be run by at least one
 * implementation; a case an implementation cannot express is skipped under a named category.
 */
export class VectorTally {
  readonly total: number;
  readonly #ranByAny = new Set<number>();
  readonly #byBackend = new Map<CryptoBackendName, BackendTally>();

  constructor(file: WycheproofFile<{ tests: WycheproofTest[] }>) {
    this.total = file.testGroups.reduce((sum, group) => sum + group.tests.length, 0);
    if (file.numberOfTests !== undefined && file.numberOfTests !== this.total) {
      throw new Error(`header says ${file.numberOfTests} tests, groups hold ${this.total}`);
    }
  }

  ran(backend: CryptoBackendName, tcId: number): void {
    this.#ranByAny.add(tcId);
    this.#of(backend).ran++;
  }

  skipped(backend: CryptoBackendName, category: string): void {
    const skipped = this.#of(backend).skipped;
    skipped[category] = (skipped[category] ?? 0) + 1;
  }

  of(backend: CryptoBackendName): BackendTally {
    return this.#of(backend);
  }

  get ranByAny(): number {
    return this.#ranByAny.size;
  }

  #of(backend: CryptoBackendName): BackendTally {
    let tally = this.#byBackend.get(backend);
    if (tally === undefined) {
      tally = { ran: 0, skipped: {} };
      this.#byBackend.set(backend, tally);
    }
    return tally;
  }
}

/** `tcId 12 (comment) [flags]: expected valid, got invalid`, for a readable list of disagreements. */
export function disagreement(test: WycheproofTest, detail: string): string {
  return `tcId ${test.tcId} (${test.comment ?? ''}) [${(test.flags ?? []).join(',')}]: ${detail}`;
}
