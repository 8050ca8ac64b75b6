import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { createLogger } from '@omega/runtime';
import { generateHybridSecretKey } from './hybrid-secret-key';
import { loadMlDsaBackend } from './ml-dsa-backends';
import { REDACTED, SecretKey } from './secret-key';

/** Every printed form of `value` a service might produce by accident. */
function printedForms(value: unknown): string[] {
  return [
    JSON.stringify(value),
    JSON.stringify({ nested: { value } }),
    String(value),
    `${value}`,
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    inspect({ nested: [value] }, { depth: Infinity }),
    format('%s %o %O %j', value, value, value, value),
  ];
}

function loggedLine(value: unknown): string {
  let line = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      line += String(chunk);
      done();
    },
  });
  createLogger({ service: 'crypto-spec', destination }).info({ key: value }, 'loaded key');
  return line;
}

/** Spellings of `bytes` that would give the secret away. */
function spellings(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  return [buffer.toString('hex'), buffer.toString('base64'), buffer.subarray(0, 8).toString('hex')];
}

describe('SecretKey', () => {
  const bytes = Buffer.from(
    '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    'hex',
  );

  it('prints [redacted] however it is printed', () => {
    const key = new SecretKey('ed25519', Uint8Array.from(bytes));
    expect(JSON.stringify(key)).toBe(`"${REDACTED}"`);
    expect(String(key)).toBe(REDACTED);
    expect(inspect(key)).toBe(REDACTED);
    for (const printed of [...printedForms(key), loggedLine(key)]) {
      expect(printed).toContain(REDACTED);
      expect(printed).not.toContain('[object');
      for (const spelling of spellings(bytes)) expect(printed).not.toContain(spelling);
      expect(printed).not.toMatch(/\b0, 17, 34, 51\b/);
    }
  });

  it('keeps the bytes off every enumerable or inspectable property', () => {
    const key = new SecretKey('ed25519', Uint8Array.from(bytes));
    expect(Object.keys(key)).toEqual(['algorithm']);
    expect({ ...key }).toEqual({ algorithm: 'ed25519' });
    expect(inspect(key, { customInspect: false, showHidden: true })).not.toContain('Uint8Array');
  });

  it('hands the bytes out only through exposeBytes and wipes them on destroy', () => {
    const key = new SecretKey('ed25519', Uint8Array.from(bytes));
    expect(Buffer.from(key.exposeBytes())).toEqual(bytes);
    expect(key.byteLength).toBe(32);
    key.destroy();
    expect(key.exposeBytes().every((b) => b === 0)).toBe(true);
  });
});

describe('HybridSecretKey', () => {
  it('prints its key id and [redacted], never either secret half', async () => {
    const secretKey = generateHybridSecretKey(await loadMlDsaBackend('node'));
    const secrets = [secretKey.ed25519.exposeBytes(), secretKey.mlDsa.exposeBytes()];
    for (const printed of [...printedForms(secretKey), loggedLine(secretKey)]) {
      expect(printed).toContain(REDACTED);
      expect(printed).toContain(secretKey.keyId);
      for (const secret of secrets) {
        for (const spelling of spellings(secret)) expect(printed).not.toContain(spelling);
      }
    }
  });
});
