// PEM-like text (RFC 7468 framing, base64 of the protobuf encoding) for keys and signatures humans handle.
import { Code, OmegaError } from '@omega/runtime';
import type { HybridPublicKey, HybridSignature } from '@omega/proto';
import {
  decodeHybridPublicKey,
  decodeHybridSecretKey,
  decodeHybridSignature,
  encodeHybridPublicKey,
  encodeHybridSecretKey,
  encodeHybridSignature,
} from './hybrid-key-codec';
import type { HybridSecretKey } from './hybrid-secret-key';

export const TextLabel = {
  PublicKey: 'OMEGA HYBRID PUBLIC KEY',
  SecretKey: 'OMEGA HYBRID SECRET KEY',
  Signature: 'OMEGA HYBRID SIGNATURE',
} as const;

export type TextLabel = (typeof TextLabel)[keyof typeof TextLabel];

const LINE_LENGTH = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `-----BEGIN <label>-----`, the base64 of `bytes` in lines of 64 characters, `-----END <label>-----`,
 * each line ending in '\n' (RFC 7468 strict form).
 */
export function toText(label: TextLabel, bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const lines = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < base64.length; i += LINE_LENGTH) lines.push(base64.slice(i, i + LINE_LENGTH));
  lines.push(`-----END ${label}-----`, '');
  return lines.join('\n');
}

/**
 * The bytes of the one `label` block in `text`. Whitespace around it, CRLF line ends and any line
 * length are accepted; anything else is InvalidArgument: a missing or second block, another
 * label, text between the lines, or base64 that is not canonical.
 */
export function fromText(label: TextLabel, text: string): Uint8Array {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const fail = (detail: string): OmegaError =>
    new OmegaError(Code.InvalidArgument, `${label.toLowerCase()} text: ${detail}`);
  const start = text.indexOf(begin);
  if (start === -1) {
    const other = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text);
    throw fail(other ? `expected '${begin}', found '${other[0]}'` : `no '${begin}' line`);
  }
  const stop = text.indexOf(end, start);
  if (stop === -1) throw fail(`no '${end}' line`);
  if (text.slice(0, start).trim() !== '' || text.slice(stop + end.length).trim() !== '') {
    throw fail('text outside the BEGIN/END lines (one block per text)');
  }
  const base64 = text.slice(start + begin.length, stop).replace(/\s+/g, '');
  if (!BASE64.test(base64) || base64.length % 4 !== 0) {
    throw fail('body is not base64');
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.toString('base64') !== base64) throw fail('body is not canonical base64');
  return bytes;
}

export function publicKeyToText(publicKey: HybridPublicKey): string {
  return toText(TextLabel.PublicKey, encodeHybridPublicKey(publicKey));
}

export function publicKeyFromText(text: string): HybridPublicKey {
  return decodeHybridPublicKey(fromText(TextLabel.PublicKey, text));
}

/** The secret key in text form: as secret as the key itself. */
export function secretKeyToText(secretKey: HybridSecretKey): string {
  return toText(TextLabel.SecretKey, encodeHybridSecretKey(secretKey));
}

export function secretKeyFromText(text: string): HybridSecretKey {
  const bytes = fromText(TextLabel.SecretKey, text);
  try {
    return decodeHybridSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

export function signatureToText(signature: HybridSignature): string {
  return toText(TextLabel.Signature, encodeHybridSignature(signature));
}

export function signatureFromText(text: string): HybridSignature {
  return decodeHybridSignature(fromText(TextLabel.Signature, text));
}
