// A workload's credential kept between runs (`enrollment.stateDir`): after a restart or a kill -9
// it renews from what it held (trust checks that proof, docs/authorization.md) instead of needing
// a new join token, which is single-use. One JSON file of mode 0600, replaced atomically.
import { createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMlDsaBackend, secretKeyFromText, secretKeyToText } from '@omega/crypto';
import { Credential, Identity } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { credentialsFrom, type Credentials } from './credentials';

export const CREDENTIAL_FILE = 'credential.json';
const VERSION = 1;

interface StoredCredential {
  readonly version: number;
  readonly identity: string;
  readonly credential: string;
  readonly secretKey: string;
  readonly tlsPrivateKeyPem: string;
}

/** Writes `credentials` to `<dir>/credential.json` (0600; the directory 0700). */
export async function saveCredentials(dir: string, credentials: Credentials): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stored: StoredCredential = {
    version: VERSION,
    identity: Buffer.from(Identity.encode(credentials.identity).finish()).toString('base64'),
    credential: Buffer.from(Credential.encode(credentials.credential).finish()).toString('base64'),
    secretKey: secretKeyToText(credentials.secretKey),
    tlsPrivateKeyPem: credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  const file = join(dir, CREDENTIAL_FILE);
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, JSON.stringify(stored), { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/**
 * The credential kept in `dir`, or undefined when there is none. A file others can read, or one
 * that does not parse, is refused with an error naming it (never silently replaced).
 */
export async function loadCredentials(dir: string): Promise<Credentials | undefined> {
  const file = join(dir, CREDENTIAL_FILE);
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw OmegaError.wrap(err, `credential file ${file}`, Code.FailedPrecondition);
  }
  if ((mode & 0o077) !== 0) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `credential file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}): it may have leaked; revoke the identity and delete the file`,
    );
  }
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as StoredCredential;
    if (stored.version !== VERSION) throw new Error(`version ${String(stored.version)}`);
    return credentialsFrom(
      Identity.decode(Buffer.from(stored.identity, 'base64')),
      Credential.decode(Buffer.from(stored.credential, 'base64')),
      secretKeyFromText(stored.secretKey),
      await loadMlDsaBackend('liboqs'),
      createPrivateKey(stored.tlsPrivateKeyPem),
    );
  } catch (err) {
    throw new OmegaError(
      Code.DataLoss,
      `credential file ${file} is unreadable (${errorMessage(err)}); delete it to enroll again`,
      { cause: err },
    );
  }
}
