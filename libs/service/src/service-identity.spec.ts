// Enrollment that cannot happen says why: no token for this workload, a join-tokens file trust
// never wrote, a trust address where nothing listens (real nats-server; no trust on purpose).
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { connectBus, type Bus } from '@omega/bus';
import { baseConfigSchema, createLogger, loadConfig } from '@omega/runtime';
import { freePort, withNats } from '@omega/testkit';
import { establishIdentity } from './service-identity';

const nats = withNats();
const logger = createLogger({ service: 'spec', level: 'silent' });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: [nats.url], name: 'identity-spec', logger });
  nats.beforeStop(() => bus.drain());
});

async function configWith(env: Record<string, string>) {
  return loadConfig(baseConfigSchema, {
    env: {
      OMEGA_SERVICE_NAME: 'twin',
      OMEGA_GRPC_PORT: '0',
      OMEGA_HTTP_PORT: '0',
      OMEGA_ENROLLMENT_TIMEOUT_MS: '1500',
      ...env,
    },
    argv: [],
  });
}

const enrollAs = { kind: 'service' as const, name: 'twin' };

it('is off unless enrollment.mode asks for it', async () => {
  const config = await configWith({});
  await expect(establishIdentity({ config, bus, logger, enrollAs })).resolves.toBeUndefined();
});

it('join-token mode without a token names both settings', async () => {
  const config = await configWith({ OMEGA_ENROLLMENT_MODE: 'join-token' });
  await expect(establishIdentity({ config, bus, logger, enrollAs })).rejects.toThrow(
    /no token for service\/twin: set enrollment.joinToken or enrollment.joinTokenFile/,
  );
});

it('a join-tokens file that never appears: gives up after the timeout naming the file', async () => {
  const file = join(tmpdir(), `omega-no-such-tokens-${process.pid}`);
  const config = await configWith({
    OMEGA_ENROLLMENT_MODE: 'join-token',
    OMEGA_ENROLLMENT_JOIN_TOKEN_FILE: file,
  });
  await expect(establishIdentity({ config, bus, logger, enrollAs })).rejects.toThrow(
    new RegExp(`join-tokens file ${file}: .*ENOENT.*\\(after \\d+ attempt\\(s\\)\\)`),
  );
});

it('trust not listening: gives up after the timeout naming the address', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const config = await configWith({
    OMEGA_ENROLLMENT_MODE: 'join-token',
    OMEGA_ENROLLMENT_JOIN_TOKEN: 'omegaj1_not-a-real-token',
    OMEGA_ENROLLMENT_TRUST_ADDRESS: address,
  });
  await expect(establishIdentity({ config, bus, logger, enrollAs })).rejects.toThrow(
    new RegExp(
      `with trust at ${address}: omega\\.v1\\.TrustService/IssueIdentity at .*ECONNREFUSED.*\\(after \\d+ attempt\\(s\\)\\)`,
    ),
  );
});
