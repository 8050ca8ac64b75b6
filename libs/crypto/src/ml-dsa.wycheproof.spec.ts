// Wycheproof ML-DSA vectors through all three backends; every case runs through at least one.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { loadNobleMlDsa } from './esm-modules';
import type { CryptoBackendName, MlDsaBackend, MlDsaParameterSet } from './ml-dsa-backend';
import { CRYPTO_BACKENDS, loadMlDsaBackend } from './ml-dsa-backends';
import {
  disagreement,
  hex,
  nobleOptions,
  readVectors,
  toHex,
  VectorTally,
  type BackendTally,
  type MlDsaSignGroup,
  type MlDsaVerifyGroup,
} from './wycheproof.fixtures';

/** Named reasons a backend cannot express a case (each still runs through another backend). */
const Skip = {
  Context: 'non-empty context string: liboqs-js has none',
  Internal: 'Internal: signs a given mu without a message (only noble exposes Sign_internal)',
  SeedLength: 'seed of the wrong length: liboqs-js has no seeded key generation to reject it',
} as const;

const loadBackends = async (
  parameterSet: MlDsaParameterSet,
): Promise<Record<CryptoBackendName, MlDsaBackend>> => ({
  liboqs: await loadMlDsaBackend('liboqs', parameterSet),
  noble: await loadMlDsaBackend('noble', parameterSet),
  node: await loadMlDsaBackend('node', parameterSet),
});

describe.each([
  {
    file: 'mldsa_65_verify_test.json.gz',
    parameterSet: 'ML-DSA-65' as const,
    expected: {
      liboqs: { ran: 153, skipped: { [Skip.Context]: 7 } },
      noble: { ran: 160, skipped: {} },
      node: { ran: 160, skipped: {} },
    },
  },
  {
    file: 'mldsa_44_verify_test.json.gz',
    parameterSet: 'ML-DSA-44' as const,
    expected: {
      liboqs: { ran: 139, skipped: { [Skip.Context]: 7 } },
      noble: { ran: 146, skipped: {} },
      node: { ran: 146, skipped: {} },
    },
  },
])('Wycheproof $file', ({ file, parameterSet, expected }) => {
  const vectors = readVectors<MlDsaVerifyGroup>(file);
  const tally = new VectorTally(vectors);
  let backends: Record<CryptoBackendName, MlDsaBackend>;

  beforeAll(async () => {
    backends = await loadBackends(parameterSet);
  });

  it.each(CRYPTO_BACKENDS)('%s agrees with every case it can express', (name) => {
    const backend = backends[name];
    const disagreements: string[] = [];
    for (const group of vectors.testGroups) {
      for (const test of group.tests) {
        const context = hex(test.ctx);
        if (!backend.supportsContext && context !== undefined && context.length > 0) {
          tally.skipped(name, Skip.Context);
          continue;
        }
        tally.ran(name, test.tcId);
        let accepted: boolean;
        try {
          accepted = backend.verify(hex(test.msg), hex(test.sig), hex(group.publicKey), context);
        } catch {
          accepted = false; // a public key of the wrong length
        }
        if (test.result !== 'acceptable' && accepted !== (test.result === 'valid')) {
          disagreements.push(
            disagreement(test, `expected ${test.result}, ${name} said ${accepted}`),
          );
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(tally.of(name)).toEqual<BackendTally>(expected[name]);
  });

  it('ran every case through at least one implementation', () => {
    expect(tally.ranByAny).toBe(tally.total);
  });
});

describe('Wycheproof mldsa_65_sign_seed_test.json.gz', () => {
  const vectors = readVectors<MlDsaSignGroup>('mldsa_65_sign_seed_test.json.gz');
  const tally = new VectorTally(vectors);
  let backends: Record<CryptoBackendName, MlDsaBackend>;
  let nobleMlDsa65: Awaited<ReturnType<typeof loadNobleMlDsa>>['ml_dsa65'];

  beforeAll(async () => {
    backends = await loadBackends('ML-DSA-65');
    nobleMlDsa65 = (await loadNobleMlDsa()).ml_dsa65;
  });

  /** Runs `check` per case; a throw or a false answer means the case was rejected. */
  function runCases(
    name: CryptoBackendName,
    check: (group: MlDsaSignGroup, test: MlDsaSignGroup['tests'][number]) => boolean | string,
  ): string[] {
    const disagreements: string[] = [];
    for (const group of vectors.testGroups) {
      for (const test of group.tests) {
        let outcome: boolean | string;
        try {
          outcome = check(group, test);
        } catch (err) {
          outcome = `rejected: ${(err as Error).message}`;
        }
        if (outcome === 'skipped') continue;
        tally.ran(name, test.tcId);
        const valid = outcome === true;
        if (valid !== (test.result === 'valid')) {
          disagreements.push(disagreement(test, `expected ${test.result}, ${name}: ${outcome}`));
        }
      }
    }
    return disagreements;
  }

  it('noble derives each key from its seed and reproduces every signature deterministically', () => {
    const noble = backends.noble;
    const disagreements = runCases('noble', (group, test) => {
      const { publicKey, secretKey } = noble.keyPairFromSeed(hex(group.privateSeed));
      if (toHex(publicKey) !== group.publicKey) return 'public key differs';
      const expected = hex(test.sig);
      if (test.msg === undefined) {
        // Sign_internal over the given mu (FIPS 204 algorithm 7 with external mu).
        const signature = nobleMlDsa65.internal.sign(
          hex(test.mu!),
          secretKey,
          nobleOptions({ externalMu: true, extraEntropy: false as const }),
        );
        if (toHex(signature) !== test.sig) return 'signature differs';
        return nobleMlDsa65.internal.verify(
          expected,
          hex(test.mu!),
          publicKey,
          nobleOptions({ externalMu: true }),
        );
      }
      const context = hex(test.ctx);
      const signature = nobleMlDsa65.sign(
        hex(test.msg),
        secretKey,
        nobleOptions({ extraEntropy: false as const, ...(context ? { context } : {}) }),
      );
      if (toHex(signature) !== test.sig) return 'signature differs';
      return noble.verify(hex(test.msg), expected, publicKey, context);
    });
    expect(disagreements).toEqual([]);
    expect(tally.of('noble')).toEqual<BackendTally>({ ran: 103, skipped: {} });
  });

  it('node:crypto derives each key from its seed and from its PKCS#8, verifies every signature and signs (hedged) what noble verifies', () => {
    const node = backends.node;
    const disagreements = runCases('node', (group, test) => {
      if (test.msg === undefined) {
        tally.skipped('node', Skip.Internal);
        return 'skipped';
      }
      const { publicKey, secretKey } = node.keyPairFromSeed(hex(group.privateSeed));
      if (toHex(publicKey) !== group.publicKey) return 'public key from seed differs';
      const fromPkcs8 = createPublicKey(
        createPrivateKey({
          key: Buffer.from(group.privateKeyPkcs8, 'hex'),
          format: 'der',
          type: 'pkcs8',
        }),
      ).export({ format: 'raw-public' });
      if (toHex(fromPkcs8) !== group.publicKey) return 'public key from PKCS#8 differs';
      const message = hex(test.msg);
      const context = hex(test.ctx);
      const signature = node.sign(message, secretKey, context);
      if (!backends.noble.verify(message, signature, publicKey, context)) {
        return 'noble rejects node’s signature';
      }
      return node.verify(message, hex(test.sig), publicKey, context);
    });
    expect(disagreements).toEqual([]);
    expect(tally.of('node')).toEqual<BackendTally>({ ran: 86, skipped: { [Skip.Internal]: 17 } });
  });

  it('liboqs verifies every signature it can express and signs (hedged) with each vector key what noble and node verify', () => {
    const liboqs = backends.liboqs;
    const disagreements = runCases('liboqs', (group, test) => {
      const skip = (category: string): 'skipped' => {
        tally.skipped('liboqs', category);
        return 'skipped';
      };
      if (test.msg === undefined) return skip(Skip.Internal);
      if (group.privateSeed.length !== 64) return skip(Skip.SeedLength);
      const context = hex(test.ctx);
      if (context !== undefined && context.length > 0) return skip(Skip.Context);
      // liboqs cannot derive the key from the seed: it signs with the expanded key noble derives.
      const { publicKey, secretKey } = backends.noble.keyPairFromSeed(hex(group.privateSeed));
      const message = hex(test.msg);
      const signature = liboqs.sign(message, secretKey);
      if (!backends.noble.verify(message, signature, publicKey))
        return 'noble rejects liboqs’s signature';
      if (!backends.node.verify(message, signature, publicKey))
        return 'node rejects liboqs’s signature';
      return liboqs.verify(message, hex(test.sig), publicKey);
    });
    expect(disagreements).toEqual([]);
    expect(tally.of('liboqs')).toEqual<BackendTally>({
      ran: 80,
      skipped: { [Skip.Internal]: 17, [Skip.SeedLength]: 3, [Skip.Context]: 3 },
    });
  });

  it('ran every case through at least one implementation', () => {
    expect(tally.ranByAny).toBe(tally.total);
    expect(tally.total).toBe(103);
  });
});
