// What the omega_tokens bucket keeps per honeytoken (key = its id): the Honeytoken (never a secret)
// and what recognizes a use: a salted SHA-256 for person-like secrets, an unsalted fingerprint for
// high-entropy ones (canary path, service-account token). JSON, version 1.
import { Honeytoken, HoneytokenKind } from '@omega/proto';

export const HONEYTOKENS_BUCKET = 'omega_tokens';
/** A honeytoken's id and key: 16 lowercase hex digits. */
export const HONEYTOKEN_ID = /^[0-9a-f]{16}$/;

export interface Recognizer {
  /** Who presents it: the username (CREDENTIAL) or the access key id (ACCESS_KEY). */
  readonly principal?: string;
  readonly salt?: Buffer;
  /** SHA-256 of salt ‖ secret. */
  readonly secretSha256?: Buffer;
  /** SHA-256 hex of the canary path or the token itself. */
  readonly fingerprint?: string;
  /** SHA1(SHA1(password)) of a CREDENTIAL, for MySQL decoys (what MySQL itself keeps). */
  readonly nativeStage2?: Buffer;
}

export interface HoneytokenRecord {
  readonly honeytoken: Honeytoken;
  readonly recognizer: Recognizer;
  /** Set when a Kubernetes Secret named by the honeytoken's namespace and name was created. */
  readonly planted?: boolean;
}

interface StoredJson {
  v: 1;
  honeytoken: unknown;
  principal?: string;
  salt?: string;
  secretSha256?: string;
  fingerprint?: string;
  nativeStage2?: string;
  planted?: boolean;
}

export function encodeRecord({ honeytoken, recognizer, planted }: HoneytokenRecord): Uint8Array {
  const stored: StoredJson = {
    v: 1,
    honeytoken: Honeytoken.toJSON(honeytoken),
    ...(recognizer.principal !== undefined ? { principal: recognizer.principal } : {}),
    ...(recognizer.salt ? { salt: recognizer.salt.toString('base64') } : {}),
    ...(recognizer.secretSha256 ? { secretSha256: recognizer.secretSha256.toString('hex') } : {}),
    ...(recognizer.fingerprint !== undefined ? { fingerprint: recognizer.fingerprint } : {}),
    ...(recognizer.nativeStage2 ? { nativeStage2: recognizer.nativeStage2.toString('hex') } : {}),
    ...(planted === true ? { planted } : {}),
  };
  return Buffer.from(JSON.stringify(stored));
}

/** Decodes a stored record; throws naming what is wrong (the key is checked against its id). */
export function decodeRecord(value: Uint8Array, key: string): HoneytokenRecord {
  const stored = JSON.parse(Buffer.from(value).toString('utf8')) as Partial<StoredJson>;
  if (stored.v !== 1) throw new Error(`record version ${String(stored.v)}, expected 1`);
  const honeytoken = Honeytoken.fromJSON(stored.honeytoken);
  if (honeytoken.id !== key) throw new Error(`names honeytoken ${honeytoken.id || '(none)'}`);
  if (honeytoken.kind === HoneytokenKind.HONEYTOKEN_KIND_UNSPECIFIED) {
    throw new Error('honeytoken.kind is unspecified');
  }
  const text = (field: keyof StoredJson): string | undefined => {
    const found = stored[field];
    if (found === undefined) return undefined;
    if (typeof found !== 'string') throw new Error(`${field} is not a string`);
    return found;
  };
  const salt = text('salt');
  const secretSha256 = text('secretSha256');
  const principal = text('principal');
  const fingerprint = text('fingerprint');
  const nativeStage2 = text('nativeStage2');
  if (stored.planted !== undefined && typeof stored.planted !== 'boolean') {
    throw new Error('planted is not a boolean');
  }
  return {
    honeytoken,
    ...(stored.planted === true ? { planted: true } : {}),
    recognizer: {
      ...(principal !== undefined ? { principal } : {}),
      ...(salt !== undefined ? { salt: Buffer.from(salt, 'base64') } : {}),
      ...(secretSha256 !== undefined ? { secretSha256: Buffer.from(secretSha256, 'hex') } : {}),
      ...(fingerprint !== undefined ? { fingerprint } : {}),
      ...(nativeStage2 !== undefined ? { nativeStage2: Buffer.from(nativeStage2, 'hex') } : {}),
    },
  };
}

export function kindName(kind: HoneytokenKind): string {
  return HoneytokenKind[kind] ?? `kind ${kind}`;
}

export function expired(token: Honeytoken, nowNs: bigint): boolean {
  return token.expireTimeNs !== 0n && token.expireTimeNs <= nowNs;
}

/** List order: newest first, ties by id. */
export function newestFirst(a: Honeytoken, b: Honeytoken): number {
  if (a.createTimeNs !== b.createTimeNs) return a.createTimeNs > b.createTimeNs ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
