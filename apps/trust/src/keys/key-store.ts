// Named hybrid keys (the audit log's `log` key, the trust `root` key) sealed in files of mode 0600.
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateHybridSecretKey,
  loadMlDsaBackend,
  secretKeyFromText,
  secretKeyToText,
  type HybridSecretKey,
} from '@omega/crypto';
import { Code, OmegaError, type Logger } from '@omega/runtime';

const KEY_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const GROUP_OR_WORLD = 0o077;

/**
 * A directory of secret keys, one `<name>.key` file each in the PEM-like text form of
 * @omega/crypto. Locally it is `.omega/trust/keys`; in Kubernetes the chart mounts a Secret there.
 * A key file anyone but the owner can read is refused, never silently fixed: it may have leaked.
 */
export class KeyStore {
  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** Creates `dir` (mode 0700) when missing. */
  static async open(dir: string, logger: Logger): Promise<KeyStore> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const info = await stat(dir);
      if (!info.isDirectory()) {
        throw new OmegaError(Code.FailedPrecondition, `key store ${dir}: not a directory`);
      }
    } catch (err) {
      throw OmegaError.wrap(err, `key store ${dir}: cannot open`, Code.FailedPrecondition);
    }
    return new KeyStore(dir, logger);
  }

  /** The key `name`, read from `<dir>/<name>.key`, or made and written there on first use. */
  async loadOrCreate(name: string): Promise<HybridSecretKey> {
    if (!KEY_NAME.test(name)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `key store: key name ${JSON.stringify(name)} must be lowercase letters, digits and '-'`,
      );
    }
    const file = join(this.dir, `${name}.key`);
    const existing = await this.read(file);
    if (existing !== undefined) {
      this.logger.info({ key: name, keyId: existing.keyId, file }, 'key loaded');
      return existing;
    }
    const created = generateHybridSecretKey(await loadMlDsaBackend('liboqs'));
    await this.write(file, secretKeyToText(created));
    this.logger.info({ key: name, keyId: created.keyId, file }, 'key created');
    return created;
  }

  /**
   * A secret in another text form (the bus's nkey seeds), `<dir>/<name>.<extension>`, made with
   * `create` and written on first use, under the same file-mode rules as the hybrid keys.
   */
  async loadOrCreateText(name: string, extension: string, create: () => string): Promise<string> {
    const file = join(this.dir, `${name}.${extension}`);
    const existing = await this.readText(file);
    if (existing !== undefined) return existing.trim();
    const created = create();
    await this.write(file, `${created}\n`);
    this.logger.info({ key: name, file }, 'key created');
    return created;
  }

  private async read(file: string): Promise<HybridSecretKey | undefined> {
    const text = await this.readText(file);
    if (text === undefined) return undefined;
    try {
      return secretKeyFromText(text);
    } catch (err) {
      throw OmegaError.wrap(err, `key store: ${file}`, Code.DataLoss);
    }
  }

  private async readText(file: string): Promise<string | undefined> {
    let mode: number;
    try {
      mode = (await stat(file)).mode;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw OmegaError.wrap(err, `key store: cannot stat ${file}`, Code.FailedPrecondition);
    }
    if ((mode & GROUP_OR_WORLD) !== 0) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `key store: ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); ` +
          `if it may have leaked, rotate it; otherwise run: chmod 600 ${file}`,
      );
    }
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw OmegaError.wrap(err, `key store: cannot read ${file}`, Code.FailedPrecondition);
    }
  }

  /** Writes to a temporary file created 0600, then renames: a crash never leaves half a key. */
  private async write(file: string, text: string): Promise<void> {
    const temporary = `${file}.tmp-${process.pid}`;
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    try {
      const handle = await open(temporary, flags, 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await chmod(temporary, 0o600);
      await rename(temporary, file);
    } catch (err) {
      throw OmegaError.wrap(err, `key store: cannot write ${file}`, Code.Internal);
    }
  }
}
