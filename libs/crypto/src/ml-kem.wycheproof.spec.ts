// Wycheproof ML-KEM-768 vectors through all three backends; every case runs through at least one.
import { Code, OmegaError } from '@omega/runtime';
import { loadNobleMlKem } from './esm-modules';
import type { CryptoBackendName } from './ml-dsa-backend';
import { ML_KEM_768_SIZES, type MlKemBackend } from './ml-kem-backend';
import { loadMlKemBackend } from './ml-kem-backends';
import {
  disagreement,
  hex,
  readVectors,
  toHex,
  VectorTally,
  type BackendTally,
  type MlKemDecapsGroup,
  type MlKemEncapsGroup,
  type MlKemKeyGenGroup,
  type WycheproofFile,
  type WycheproofTest,
} from './wycheproof.fixtures';

const Skip = {
  SeedLength: 'seed of the wrong length: liboqs-js has no seeded key generation to reject it',
} as const;

let backends: Record<CryptoBackendName, MlKemBackend>;

beforeAll(async () => {
  backends = {
    liboqs: await loadMlKemBackend('liboqs'),
    noble: await loadMlKemBackend('noble'),
    node: await loadMlKemBackend('node'),
  };
});

/**
 * Runs `check` on every case for one backend: true means the backend produced the expected values,
 * a string says what differed, a thrown error means it rejected the case, 'skipped' means it cannot
 * express it. Returns the disagreements with the expected results.
 */
function runCases<T extends WycheproofTest>(
  vectors: WycheproofFile<{ tests: T[] }>,
  tally: VectorTally,
  name: CryptoBackendName,
  check: (test: T) => true | string,
): string[] {
  const disagreements: string[] = [];
  for (const group of vectors.testGroups) {
    for (const test of group.tests) {
      let outcome: true | string;
      try {
        outcome = check(test);
      } catch (err) {
        if (!(err instanceof OmegaError && err.code === Code.InvalidArgument)) throw err;
        outcome = `rejected: ${err.message}`;
      }
      if (outcome === 'skipped') continue;
      tally.ran(name, test.tcId);
      if ((outcome === true) !== (test.result === 'valid')) {
        disagreements.push(disagreement(test, `expected ${test.result}, ${name}: ${outcome}`));
      }
    }
  }
  return disagreements;
}

describe('Wycheproof mlkem_768_keygen_seed_test.json.gz', () => {
  const vectors = readVectors<MlKemKeyGenGroup>('mlkem_768_keygen_seed_test.json.gz');
  const tally = new VectorTally(vectors);

  it.each(['noble', 'node'] as const)('%s derives every key pair from its seed', (name) => {
    const disagreements = runCases(vectors, tally, name, (test) => {
      const { publicKey, secretKey } = backends[name].keyPairFromSeed(hex(test.seed));
      if (toHex(publicKey) !== test.ek) return 'encapsulation key differs';
      return toHex(secretKey) === test.dk || 'decapsulation key differs';
    });
    expect(disagreements).toEqual([]);
    expect(tally.of(name)).toEqual<BackendTally>({ ran: 100, skipped: {} });
  });

  it('liboqs (no seeded key generation) runs each vector key pair: encapsulates to ek, decapsulates with dk, and noble agrees', () => {
    const disagreements = runCases(vectors, tally, 'liboqs', (test) => {
      const { ciphertext, sharedSecret } = backends.liboqs.encapsulate(hex(test.ek));
      const received = backends.liboqs.decapsulate(ciphertext, hex(test.dk));
      if (toHex(received) !== toHex(sharedSecret)) return 'liboqs decapsulated another secret';
      const byNoble = backends.noble.decapsulate(ciphertext, hex(test.dk));
      return toHex(byNoble) === toHex(sharedSecret) || 'noble decapsulated another secret';
    });
    expect(disagreements).toEqual([]);
    expect(tally.of('liboqs')).toEqual<BackendTally>({ ran: 100, skipped: {} });
  });

  it('ran every case through at least one implementation', () => {
    expect(tally.ranByAny).toBe(tally.total);
    expect(tally.total).toBe(100);
  });
});

describe('Wycheproof mlkem_768_encaps_test.json.gz', () => {
  const vectors = readVectors<MlKemEncapsGroup>('mlkem_768_encaps_test.json.gz');
  const tally = new VectorTally(vectors);

  it('noble reproduces every (c, K) from (ek, m) and rejects every invalid key', async () => {
    const { ml_kem768 } = await loadNobleMlKem();
    const disagreements = runCases(vectors, tally, 'noble', (test) => {
      // The key check is the backend's; determinism (a given m) needs noble's own API.
      backends.noble.encapsulate(hex(test.ek));
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(hex(test.ek), hex(test.m));
      if (toHex(cipherText) !== test.c) return 'ciphertext differs';
      return toHex(sharedSecret) === test.K || 'shared secret differs';
    });
    expect(disagreements).toEqual([]);
    expect(tally.of('noble')).toEqual<BackendTally>({ ran: 265, skipped: {} });
  });

  it.each(['liboqs', 'node'] as const)(
    '%s accepts every valid key and rejects every invalid one (its own randomness: no expected (c, K))',
    (name) => {
      const disagreements = runCases(vectors, tally, name, (test) => {
        const { ciphertext, sharedSecret } = backends[name].encapsulate(hex(test.ek));
        if (ciphertext.length !== ML_KEM_768_SIZES.ciphertext) return 'ciphertext length';
        return sharedSecret.length === ML_KEM_768_SIZES.sharedSecret || 'shared secret length';
      });
      expect(disagreements).toEqual([]);
      expect(tally.of(name)).toEqual<BackendTally>({ ran: 265, skipped: {} });
    },
  );

  it('ran every case through at least one implementation', () => {
    expect(tally.ranByAny).toBe(tally.total);
    expect(tally.total).toBe(265);
  });
});

describe('Wycheproof mlkem_768_test.json.gz (decapsulation, incl. implicit rejection)', () => {
  const vectors = readVectors<MlKemDecapsGroup>('mlkem_768_test.json.gz');
  const tally = new VectorTally(vectors);

  it.each(['noble', 'node'] as const)(
    '%s derives each key from its seed and decapsulates every ciphertext to K',
    (name) => {
      const disagreements = runCases(vectors, tally, name, (test) => {
        const { publicKey, secretKey } = backends[name].keyPairFromSeed(hex(test.seed));
        if (test.ek !== undefined && toHex(publicKey) !== test.ek)
          return 'encapsulation key differs';
        const sharedSecret = backends[name].decapsulate(hex(test.c), secretKey);
        return toHex(sharedSecret) === test.K || 'shared secret differs';
      });
      expect(disagreements).toEqual([]);
      expect(tally.of(name)).toEqual<BackendTally>({ ran: 193, skipped: {} });
    },
  );

  it('liboqs decapsulates every ciphertext with the vector key (expanded by noble) to K', () => {
    const disagreements = runCases(vectors, tally, 'liboqs', (test) => {
      if (test.seed.length !== 2 * ML_KEM_768_SIZES.seed) {
        tally.skipped('liboqs', Skip.SeedLength);
        return 'skipped';
      }
      const { publicKey, secretKey } = backends.noble.keyPairFromSeed(hex(test.seed));
      if (test.ek !== undefined && toHex(publicKey) !== test.ek) return 'encapsulation key differs';
      const sharedSecret = backends.liboqs.decapsulate(hex(test.c), secretKey);
      return toHex(sharedSecret) === test.K || 'shared secret differs';
    });
    expect(disagreements).toEqual([]);
    expect(tally.of('liboqs')).toEqual<BackendTally>({
      ran: 173,
      skipped: { [Skip.SeedLength]: 20 },
    });
  });

  it('ran every case through at least one implementation', () => {
    expect(tally.ranByAny).toBe(tally.total);
    expect(tally.total).toBe(193);
  });
});
