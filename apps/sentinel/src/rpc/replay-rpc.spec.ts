// ReplayPcap by path reads only regular files inside the replay directory, up to a cap: the
// node's devices, FIFOs, secrets and symlinks out of the directory are refused before a read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';
import { readCaptureFile, type CaptureDirectory } from './replay-rpc';

const DEMO_CAPTURE = join(__dirname, '..', '..', '..', '..', 'test-corpus', 'demo', 'capture.pcap');
let base: string;
let captures: CaptureDirectory;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'omega-replay-'));
  captures = { dir: join(base, 'captures'), maxBytes: 1024 * 1024 };
  mkdirSync(captures.dir);
  writeFileSync(join(captures.dir, 'demo.pcap'), readFileSync(DEMO_CAPTURE));
  writeFileSync(join(base, 'outside.pcap'), readFileSync(DEMO_CAPTURE));
  symlinkSync('/dev/zero', join(captures.dir, 'zero.pcap'));
  symlinkSync(join(base, 'outside.pcap'), join(captures.dir, 'escape.pcap'));
  execFileSync('mkfifo', [join(captures.dir, 'fifo.pcap')]);
  mkdirSync(join(captures.dir, 'nested'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

async function refusal(path: string, dir = captures): Promise<OmegaError> {
  try {
    await readCaptureFile(dir, path);
  } catch (err) {
    if (err instanceof OmegaError) return err;
    throw err;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe('readCaptureFile', () => {
  it('reads a capture inside the directory, by absolute or relative path', async () => {
    const expected = readFileSync(DEMO_CAPTURE);
    expect(Buffer.from(await readCaptureFile(captures, join(captures.dir, 'demo.pcap')))).toEqual(
      expected,
    );
    expect(Buffer.from(await readCaptureFile(captures, 'demo.pcap'))).toEqual(expected);
  });

  it('refuses /dev/zero and /etc/shadow: outside the directory', async () => {
    for (const path of ['/dev/zero', '/etc/shadow', '../outside.pcap']) {
      const err = await refusal(path);
      expect(err.code).toBe(Code.PermissionDenied);
      expect(err.message).toContain('outside the replay directory');
    }
  });

  it('refuses symlinks that lead out of the directory, to a device or another file', async () => {
    const zero = await refusal('zero.pcap');
    expect(zero.code).toBe(Code.PermissionDenied);
    expect(zero.message).toContain('resolves to /dev/zero');
    expect((await refusal('escape.pcap')).code).toBe(Code.PermissionDenied);
  });

  it('refuses a FIFO and a directory inside it without waiting on them', async () => {
    for (const path of ['fifo.pcap', 'nested']) {
      const err = await refusal(path);
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.message).toContain('is not a regular file');
    }
  });

  it('refuses a file larger than the cap, naming both sizes and the setting', async () => {
    const size = readFileSync(DEMO_CAPTURE).length;
    const err = await refusal('demo.pcap', { ...captures, maxBytes: size - 1 });
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toContain(
      `${size} bytes, more than the ${size - 1} allowed (sentinel.replay.maxBytes)`,
    );
  });

  it('says NotFound for a missing file and FailedPrecondition for a missing directory', async () => {
    expect((await refusal('missing.pcap')).code).toBe(Code.NotFound);
    const err = await refusal('demo.pcap', { ...captures, dir: join(base, 'nope') });
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.message).toContain('sentinel.replay.dir');
  });
});
