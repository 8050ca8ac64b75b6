// The key store seals keys in 0600 files, reloads them, refuses readable ones and never logs them.
import { chmod, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { KeyStore } from './key-store';

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
  };
}

describe('KeyStore', () => {
  it('creates a key in a 0600 file inside a 0700 directory and loads the same key again', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'omega-keys-')), 'keys');
    const { logger, lines } = recordingLogger();
    const store = await KeyStore.open(dir, logger);
    const created = await store.loadOrCreate('log');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'log.key'))).mode & 0o777).toBe(0o600);
    const loaded = await (await KeyStore.open(dir, logger)).loadOrCreate('log');
    expect(loaded.keyId).toBe(created.keyId);
    const secretText = (await readFile(join(dir, 'log.key'), 'utf8')).split('\n')[1]!;
    expect(lines.join('\n')).not.toContain(secretText);
    expect(lines.join('\n')).toContain(created.keyId);
  });

  it('refuses a key file others can read, naming the file and the chmod to run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omega-keys-'));
    const store = await KeyStore.open(dir, recordingLogger().logger);
    await store.loadOrCreate('root');
    await chmod(join(dir, 'root.key'), 0o644);
    await expect(store.loadOrCreate('root')).rejects.toThrow(
      `${join(dir, 'root.key')} is readable by group or others (mode 644)`,
    );
    await expect(store.loadOrCreate('root')).rejects.toThrow(`chmod 600 ${join(dir, 'root.key')}`);
  });

  it('refuses a key name that is not a plain word', async () => {
    const store = await KeyStore.open(
      await mkdtemp(join(tmpdir(), 'omega-keys-')),
      recordingLogger().logger,
    );
    await expect(store.loadOrCreate('../etc/passwd')).rejects.toThrow(/key name/);
  });
});
