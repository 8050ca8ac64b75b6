// Every inclusion and consistency case of transparency-dev/merkle's testdata (vendored in
// test-corpus/merkle, see its NOTICE).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OmegaError } from '@omega/errors';
import { verifyConsistency } from './consistency-proof';
import { verifyInclusion } from './inclusion-proof';

const VECTORS = join(__dirname, '..', 'test-corpus', 'merkle', 'testdata');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
// `proof: null` means empty.
const proofOf = (proof: string[] | null) => (proof ?? []).map(b64);

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function outcome(check: () => void): 'ok' | OmegaError {
  try {
    check();
    return 'ok';
  } catch (err) {
    // Every rejection is an OmegaError that says which check failed, never a stray TypeError.
    expect(err).toBeInstanceOf(OmegaError);
    return err as OmegaError;
  }
}

const inclusionFiles = jsonFiles(join(VECTORS, 'inclusion'));
const consistencyFiles = jsonFiles(join(VECTORS, 'consistency'));
let casesRun = 0;

describe('transparency-dev/merkle inclusion vectors', () => {
  test.each(inclusionFiles.map((f) => [relative(VECTORS, f), f]))('%s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase;
    const result = outcome(() =>
      verifyInclusion(b64(c.leafHash), c.leafIdx, c.treeSize, proofOf(c.proof), b64(c.root)),
    );
    if (c.wantErr) expect(result).not.toBe('ok');
    else expect(result).toBe('ok');
    casesRun++;
  });
});

describe('transparency-dev/merkle consistency vectors', () => {
  test.each(consistencyFiles.map((f) => [relative(VECTORS, f), f]))('%s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase;
    const result = outcome(() =>
      verifyConsistency(c.size1, c.size2, proofOf(c.proof), b64(c.root1), b64(c.root2)),
    );
    if (c.wantErr) expect(result).not.toBe('ok');
    else expect(result).toBe('ok');
    casesRun++;
  });
});

describe('the vector folder', () => {
  test('every file in it ran as a case (196 when this was written: 98 inclusion, 98 consistency)', () => {
    const all = jsonFiles(VECTORS);
    const files = readdirSync(VECTORS, { recursive: true }).filter((p) =>
      statSync(join(VECTORS, String(p))).isFile(),
    );
    expect(all.length).toBe(files.length);
    expect(casesRun).toBe(files.length);
    expect(inclusionFiles.length).toBe(98);
    expect(consistencyFiles.length).toBe(98);
  });

  test('includes the 184 must-fail cases, the additional/ and the single-entry/ folders', () => {
    const wantErr = [...inclusionFiles, ...consistencyFiles].filter(
      (f) => (JSON.parse(readFileSync(f, 'utf8')) as { wantErr: boolean }).wantErr,
    );
    expect(wantErr.length).toBe(184);
    expect(inclusionFiles.some((f) => f.includes('/single-entry/'))).toBe(true);
    expect(inclusionFiles.some((f) => f.includes('/additional/'))).toBe(true);
    expect(consistencyFiles.some((f) => f.includes('/additional/'))).toBe(true);
  });
});
