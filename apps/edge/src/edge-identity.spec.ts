// The host identity on disk: files readable by root only, never overwritten, refused when others
// can read them; the WireGuard public key is the one `wg pubkey` (wireguard-tools) derives.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IDENTITY_FILE,
  WIREGUARD_KEY_FILE,
  formatPublicIdentity,
  initIdentity,
  loadIdentity,
  parsePublicIdentity,
} from './edge-identity';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'omega-edge-id-')), 'home');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('edge identity', () => {
  it('stores both private keys with mode 0600 in a 0700 directory', () => {
    initIdentity(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, IDENTITY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, WIREGUARD_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('derives the WireGuard public key that wg pubkey derives from the stored private key', () => {
    const identity = initIdentity(dir);
    const wgPublic = execFileSync('wg', ['pubkey'], {
      input: readFileSync(join(dir, WIREGUARD_KEY_FILE)),
    })
      .toString()
      .trim();
    expect(Buffer.from(identity.wireguardPublicKey).toString('base64')).toBe(wgPublic);
  });

  it('prints a public identity that parses back to the same keys', () => {
    const identity = initIdentity(dir);
    const parsed = parsePublicIdentity(formatPublicIdentity(identity), 'test');
    expect(Buffer.from(parsed.identityKey)).toEqual(Buffer.from(identity.identityKey));
    expect(loadIdentity(dir).identityKey).toEqual(identity.identityKey);
  });

  it('never overwrites an existing identity', () => {
    initIdentity(dir);
    expect(() => initIdentity(dir)).toThrow(/already exists: an identity is never overwritten/);
  });

  it('refuses a key file that others can read', () => {
    initIdentity(dir);
    chmodSync(join(dir, WIREGUARD_KEY_FILE), 0o644);
    expect(() => loadIdentity(dir)).toThrow(
      /edge-wireguard\.key is readable by others \(mode 644\)/,
    );
  });
});
