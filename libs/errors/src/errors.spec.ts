// OmegaError's behaviour, and the promise that makes this lib the ground floor: it imports nothing.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Code, OmegaError, codeName, errorMessage } from './errors';

it('imports nothing but its own files', () => {
  const sources = readdirSync(__dirname).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
  );
  expect(sources).toContain('index.ts');
  for (const file of sources) {
    const text = readFileSync(path.join(__dirname, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    expect([file, specifiers.filter((s) => !s!.startsWith('./'))]).toEqual([file, []]);
  }
});

it('answers a gRPC edge with its code as the status number', () => {
  expect(new OmegaError(Code.NotFound, 'pod shop/ghost').grpcStatus).toBe(5);
});

it('keeps the code and the cause when it wraps', () => {
  const inner = new OmegaError(Code.DataLoss, 'tile 0/3 hashes to another root');
  const outer = OmegaError.wrap(inner, 'restore audit log');
  expect(outer).toMatchObject({
    code: Code.DataLoss,
    message: 'restore audit log: tile 0/3 hashes to another root',
    cause: inner,
  });
  expect(OmegaError.wrap(new Error('EACCES'), 'read key').code).toBe(Code.Internal);
});

it('names codes as gRPC spells them, CANCELLED included', () => {
  expect(codeName(Code.InvalidArgument)).toBe('invalid_argument');
  expect(codeName(Code.Canceled)).toBe('cancelled');
  expect(codeName(17 as Code)).toBe('code_17');
});

it('finds the message of any thrown value', () => {
  expect(errorMessage(new Error('boom'))).toBe('boom');
  expect(errorMessage({ message: 'from another realm' })).toBe('from another realm');
  expect(errorMessage(42)).toBe('42');
});
