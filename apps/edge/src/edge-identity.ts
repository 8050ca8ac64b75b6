// The host's identity: an Ed25519 key (its name on the overlay, signing every message to the
// nucleus) and an X25519 key (WireGuard's static key), each in its own file readable by root only.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/errors';

export const IDENTITY_FILE = 'edge-identity.pem';
export const WIREGUARD_KEY_FILE = 'edge-wireguard.key';

export interface EdgeIdentity {
  /** Ed25519 private key. */
  signingKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  identityKey: Uint8Array;
  /** The file holding WireGuard's private key (base64, the format `wg set private-key` reads). */
  wireguardKeyFile: string;
  /** Raw 32-byte X25519 public key. */
  wireguardPublicKey: Uint8Array;
}

/** What a host tells others: its identity key and its WireGuard key. */
export interface PublicIdentity {
  identityKey: Uint8Array;
  wireguardPublicKey: Uint8Array;
}

function rawPublic(key: KeyObject): Uint8Array {
  const x = key.export({ format: 'jwk' }).x;
  if (!x) throw new OmegaError(Code.Internal, 'a public key has no raw form');
  return Buffer.from(x, 'base64url');
}

/** Writes a new identity into `dir` (0700) as two 0600 files; refuses to overwrite one. */
export function initIdentity(dir: string): EdgeIdentity {
  const identityPath = join(dir, IDENTITY_FILE);
  if (existsSync(identityPath)) {
    throw new OmegaError(
      Code.AlreadyExists,
      `${identityPath} already exists: an identity is never overwritten (move it away to start anew)`,
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const signing = generateKeyPairSync('ed25519');
  const wireguard = generateKeyPairSync('x25519');
  const wgPrivate = Buffer.from(wireguard.privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const pem = signing.privateKey.export({ format: 'pem', type: 'pkcs8' });
  writeFileSync(identityPath, pem, { mode: 0o600, flag: 'wx' });
  writeFileSync(join(dir, WIREGUARD_KEY_FILE), `${wgPrivate.toString('base64')}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  return loadIdentity(dir);
}

function readSecret(path: string): string {
  if (!existsSync(path)) {
    throw new OmegaError(Code.NotFound, `${path} does not exist: run omega-edge --init first`);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${path} is readable by others (mode ${mode.toString(8)}): chmod 600 it`,
    );
  }
  return readFileSync(path, 'utf8');
}

export function loadIdentity(dir: string): EdgeIdentity {
  const signingKey = createPrivateKey(readSecret(join(dir, IDENTITY_FILE)));
  if (signingKey.asymmetricKeyType !== 'ed25519') {
    throw new OmegaError(Code.InvalidArgument, `${join(dir, IDENTITY_FILE)}: not an Ed25519 key`);
  }
  const wireguardKeyFile = join(dir, WIREGUARD_KEY_FILE);
  const wgPrivate = Buffer.from(readSecret(wireguardKeyFile).trim(), 'base64');
  if (wgPrivate.length !== 32) {
    throw new OmegaError(Code.InvalidArgument, `${wireguardKeyFile}: not a 32-byte base64 key`);
  }
  const wgKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: wgPrivate.toString('base64url'), x: '' },
    format: 'jwk',
  });
  return {
    signingKey,
    identityKey: rawPublic(createPublicKey(signingKey)),
    wireguardKeyFile,
    wireguardPublicKey: rawPublic(createPublicKey(wgKey)),
  };
}

/** `<Ed25519 key>.<X25519 key>`, both base64url: what `--peer` and `[[peers]] public_key` take. */
export function formatPublicIdentity(id: PublicIdentity): string {
  return `${Buffer.from(id.identityKey).toString('base64url')}.${Buffer.from(id.wireguardPublicKey).toString('base64url')}`;
}

export function parsePublicIdentity(text: string, where: string): PublicIdentity {
  const parts = text.split('.');
  const keys = parts.map((p) => Buffer.from(p, 'base64url'));
  if (
    parts.length !== 2 ||
    keys.some((k, i) => k.length !== 32 || k.toString('base64url') !== parts[i])
  ) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: '${text.slice(0, 100)}' is not a public identity (two 32-byte base64url keys joined by '.', as omega-edge --init prints)`,
    );
  }
  return { identityKey: keys[0]!, wireguardPublicKey: keys[1]! };
}

/** WireGuard's spelling of a key (standard base64). */
export function wireguardKeyText(key: Uint8Array): string {
  return Buffer.from(key).toString('base64');
}
