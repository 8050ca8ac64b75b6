// The kept credential on disk, with a credential the built trust really issued: what is saved
// loads back as the same identity, key and certificate; a file others can read and a damaged
// file are refused naming the file.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { CREDENTIAL_FILE, loadCredentials, saveCredentials } from './credential-file';
import { enroll } from './enroll';
import { joinTokenFromFile } from './join-token-file';
import type { Credentials } from './credentials';

jest.setTimeout(60_000);

const nats = withNats();
let trust: TrustProcess;
let issued: Credentials;
let dir: string;

beforeAll(async () => {
  trust = await startTrust({
    natsUrl: nats.url,
    env: { OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: 'service/kept' },
  });
  const token = joinTokenFromFile(
    readFileSync(join(trust.keyDir, 'join-tokens'), 'utf8'),
    'service',
    'kept',
  );
  issued = await enroll({
    trustAddress: trust.address,
    subjectKind: 'service',
    name: 'kept',
    joinToken: token!,
  });
  dir = mkdtempSync(join(tmpdir(), 'omega-credential-'));
});

afterAll(async () => {
  await trust?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a kept credential', () => {
  it('is absent until saved', async () => {
    await expect(loadCredentials(join(dir, 'nothing-here'))).resolves.toBeUndefined();
  });

  it('loads back as the identity, key and certificate trust issued', async () => {
    await saveCredentials(join(dir, 'ok'), issued);
    const loaded = await loadCredentials(join(dir, 'ok'));
    expect(loaded).toMatchObject({
      subject: 'omega://local/service/kept',
      certificateChainPem: issued.certificateChainPem,
      notAfterMs: issued.notAfterMs,
    });
    expect(loaded!.secretKey.keyId).toBe(issued.secretKey.keyId);
    expect(loaded!.identity.id).toBe(issued.identity.id);
  });

  it('is refused when group or others can read it', async () => {
    await saveCredentials(join(dir, 'open'), issued);
    chmodSync(join(dir, 'open', CREDENTIAL_FILE), 0o644);
    await expect(loadCredentials(join(dir, 'open'))).rejects.toThrow(
      `credential file ${join(dir, 'open', CREDENTIAL_FILE)} is readable by group or others (mode 644)`,
    );
  });

  it('is refused, naming the file, when damaged', async () => {
    await saveCredentials(join(dir, 'bad'), issued);
    writeFileSync(join(dir, 'bad', CREDENTIAL_FILE), '{"version":1,"identity":"AAAA"', {
      mode: 0o600,
    });
    await expect(loadCredentials(join(dir, 'bad'))).rejects.toThrow(
      new RegExp(`credential file ${join(dir, 'bad', CREDENTIAL_FILE)} is unreadable .*delete it`),
    );
  });
});
