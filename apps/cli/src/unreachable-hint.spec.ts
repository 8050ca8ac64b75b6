// The CLI's error line: a service that cannot be reached gets the hint, any other error does not.
import { TrustServiceClient } from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { freePort } from '@omega/testkit';
import { UNREACHABLE_HINT, cliErrorMessage } from './unreachable-hint';

it('adds the hint to a real call that finds nothing listening', async () => {
  const client = createPromiseClient(TrustServiceClient, `127.0.0.1:${await freePort()}`);
  const err = await client.getTrustBundle({}, { timeoutMs: 5000 }).catch((e: unknown) => e);
  client.close();
  expect(cliErrorMessage(err)).toContain(UNREACHABLE_HINT);
});

it('leaves other errors as they are', () => {
  expect(cliErrorMessage(new Error('entry 7: not in the log'))).toBe('entry 7: not in the log');
});
