import { join } from 'node:path';
import { Code } from '@omega/runtime';
import type { CryptoBackendName, MlDsaBackend } from './ml-dsa-backend';
import { CRYPTO_BACKENDS, loadMlDsaBackend } from './ml-dsa-backends';
import { MlDsaSignThread } from './ml-dsa-sign-thread';

const encode = (text: string) => new TextEncoder().encode(text);

describe('MlDsaSignThread (liboqs on a worker thread)', () => {
  const backends = {} as Record<CryptoBackendName, MlDsaBackend>;
  let thread: MlDsaSignThread;
  let publicKey: Uint8Array;

  beforeAll(async () => {
    for (const name of CRYPTO_BACKENDS) backends[name] = await loadMlDsaBackend(name, 'ML-DSA-65');
    const keys = backends.noble.generateKeyPair();
    publicKey = keys.publicKey;
    thread = await MlDsaSignThread.start(keys.secretKey);
  });

  afterAll(() => thread.close());

  it.each(CRYPTO_BACKENDS)('signs FIPS 204 ML-DSA-65 that %s verifies', async (verifyBy) => {
    const message = encode(`checked by ${verifyBy}`);
    const signature = await thread.sign(message);
    expect(signature.byteLength).toBe(3309);
    expect(backends[verifyBy].verify(message, signature, publicKey)).toBe(true);
    expect(backends[verifyBy].verify(encode('another message'), signature, publicKey)).toBe(false);
  });

  it('answers each of many concurrent requests with the signature of its own message', async () => {
    const messages = Array.from({ length: 24 }, (_, i) => encode(`checkpoint ${i}`));
    // Views into one larger buffer, as Buffers from a pool are.
    const pool = Buffer.alloc(8192, 0x2a);
    messages.push(pool.subarray(100, 164), pool.subarray(200, 201));
    const signatures = await Promise.all(messages.map((m) => thread.sign(m)));
    signatures.forEach((signature, i) => {
      expect(backends.node.verify(messages[i]!, signature, publicKey)).toBe(true);
      const other = messages[(i + 1) % messages.length]!;
      expect(backends.node.verify(other, signature, publicKey)).toBe(false);
    });
  });

  it('refuses a secret key of the wrong size before starting a thread', async () => {
    await expect(MlDsaSignThread.start(new Uint8Array(4031))).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: 'ml-dsa-65 secret key must be 4032 bytes, got 4031',
    });
  });

  it('fails the signatures a dying thread held, naming its exit, and signs on a new one', async () => {
    const keys = backends.liboqs.generateKeyPair();
    const dying = await MlDsaSignThread.start(keys.secretKey, {
      script: join(__dirname, 'fixtures', 'dying-sign-thread.mjs'),
    });
    try {
      const before = encode('before the crash');
      expect(backends.noble.verify(before, await dying.sign(before), keys.publicKey)).toBe(true);
      await expect(dying.sign(Uint8Array.of(0xff, 1, 2))).rejects.toMatchObject({
        code: Code.Unavailable,
        message: 'ml-dsa-65 via liboqs: signing thread exited with code 3',
      });
      const after = encode('after the crash');
      expect(backends.node.verify(after, await dying.sign(after), keys.publicKey)).toBe(true);
    } finally {
      await dying.close();
    }
  });

  it('fails a signature the thread does not answer in time, and signs on a new thread', async () => {
    const keys = backends.liboqs.generateKeyPair();
    const stuck = await MlDsaSignThread.start(keys.secretKey, {
      script: join(__dirname, 'fixtures', 'dying-sign-thread.mjs'),
      answerTimeoutMs: 500,
    });
    try {
      await expect(stuck.sign(Uint8Array.of(0xfe, 1))).rejects.toMatchObject({
        code: Code.Unavailable,
        message: 'ml-dsa-65 via liboqs: signing thread did not answer in 500 ms; restarting it',
      });
      const after = encode('after the hang');
      expect(backends.noble.verify(after, await stuck.sign(after), keys.publicKey)).toBe(true);
    } finally {
      await stuck.close();
    }
  });

  it('says so when a worker script cannot start, and when it does not become ready', async () => {
    const keys = backends.liboqs.generateKeyPair();
    await expect(
      MlDsaSignThread.start(keys.secretKey, { script: join(__dirname, 'no-such-thread.mjs') }),
    ).rejects.toMatchObject({
      code: Code.Unavailable,
      message: expect.stringMatching(
        /^ml-dsa-65 via liboqs: signing thread failed: .*no-such-thread/,
      ),
    });
    await expect(
      MlDsaSignThread.start(keys.secretKey, {
        script: join(__dirname, 'fixtures', 'silent-sign-thread.mjs'),
        answerTimeoutMs: 300,
      }),
    ).rejects.toMatchObject({
      code: Code.Unavailable,
      message: 'ml-dsa-65 via liboqs: signing thread did not start in 300 ms',
    });
  });

  it('fails signatures after close with Unavailable, naming the thread', async () => {
    const keys = backends.liboqs.generateKeyPair();
    const closing = await MlDsaSignThread.start(keys.secretKey);
    const signature = await closing.sign(encode('before close'));
    expect(backends.noble.verify(encode('before close'), signature, keys.publicKey)).toBe(true);
    await closing.close();
    await expect(closing.sign(encode('after close'))).rejects.toMatchObject({
      code: Code.Unavailable,
      message: 'ml-dsa-65 via liboqs: signing thread is closed',
    });
  });
});
