// Zero trust for the benchmarks: a nats-server configured by trust's bus setup (TLS 1.3 requiring a
// client certificate from trust's CA, authorization callout answered by trust), trust on it with
// its gRPC over mutual TLS, and workload identities enrolled with the join tokens trust writes at
// start: the pieces `omega up --mtls` runs, so a bench runs its workload with all of it on beside
// its plaintext figure. Shared by bench/bus, bench/trust and bench/intelligence.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** `--zero-trust` values: plaintext only, zero trust only, or both in the same run (default). */
export const ZERO_TRUST_MODES = ['compare', 'plain', 'secure'];

/** The modes a run measures for `--zero-trust <value>`, or an error naming the values allowed. */
export function zeroTrustModes(value) {
  if (!ZERO_TRUST_MODES.includes(value)) {
    throw new Error(`--zero-trust ${value}: expected one of ${ZERO_TRUST_MODES.join(', ')}`);
  }
  return value === 'compare' ? ['plain', 'secure'] : [value];
}

/** CPU seconds (user + system) process `pid` has used so far (Linux /proc). */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** "zero-trust cost: −x%" of a throughput (higher is better) against its plaintext figure. */
export function zeroTrustCost(plain, secure) {
  const change = (secure / plain - 1) * 100;
  const sign = change < 0 ? '−' : '+';
  return `${sign}${Math.abs(change).toFixed(1)}%`;
}

/**
 * Starts the authenticated bus and trust. `identities` (`kind/name`) get join tokens; `trustEnv`
 * adds trust settings. stop() ends trust and the server and removes the keys.
 */
export async function startZeroTrust({ identities, trustEnv = {}, trustGrpcTls = true }) {
  const { startNatsServer, startTrust } = require('@omega/testkit');
  const dir = mkdtempSync(join(tmpdir(), 'omega-bench-zero-trust-'));
  const keyDir = join(dir, 'keys');
  let files;
  try {
    files = JSON.parse(
      execFileSync(process.execPath, [
        join(root, 'apps', 'trust', 'dist', 'bus-setup-main.js'),
        '--key-dir',
        keyDir,
        '--out',
        join(dir, 'bus'),
        '--dns',
        'localhost',
        '--ip',
        '127.0.0.1',
        '--days',
        '1',
      ]).toString(),
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const caPem = readFileSync(files.caFile, 'utf8');
  let nats;
  let trust;
  try {
    nats = await startNatsServer({ args: ['-c', files.configFile] });
    trust = await startTrust({
      natsUrl: nats.url,
      keyDir,
      env: {
        OMEGA_NATS_AUTH: 'identity',
        OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: identities.join(','),
        ...(trustGrpcTls ? { OMEGA_TLS_ENABLED: 'true' } : {}),
        ...trustEnv,
      },
    });
  } catch (err) {
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const joinTokensFile = join(keyDir, 'join-tokens');
  // A bench that dies must not leave trust running (testkit ends its nats-server itself).
  const onExit = () => {
    if (trust.pid !== undefined) {
      try {
        process.kill(trust.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  // Interrupted: exit properly, so the exit hooks (this one, testkit's for nats-server) run.
  const onSignal = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  return {
    nats,
    trust,
    caPem,
    /** The bus's TLS block alone (server certificate, client certificates required), no auth. */
    tlsOnlyConfig: () => {
      const config = JSON.parse(readFileSync(files.configFile, 'utf8').replace(/^#.*$/gm, ''));
      return JSON.stringify({ tls: config.tls });
    },
    caFile: files.caFile,
    /** The trust CA as trust's gRPC server presents it (the same root as the bus's CA). */
    trustCaPem: readFileSync(join(keyDir, 'trust-ca.pem'), 'utf8'),

    /** Enrolls `kind/name` with its join token (over TLS when trust's gRPC is): its Credentials. */
    async enroll(who) {
      const {
        enroll,
        joinTokenFromFile,
        bootstrapChannelCredentials,
      } = require('@omega/trust-client');
      const [kind, name] = who.split('/');
      const joinToken = joinTokenFromFile(readFileSync(joinTokensFile, 'utf8'), kind, name);
      if (joinToken === undefined) throw new Error(`zero trust: no join token for ${who}`);
      return enroll({
        trustAddress: trust.address,
        subjectKind: kind,
        name,
        joinToken,
        ...(trustGrpcTls
          ? {
              channelCredentials: bootstrapChannelCredentials(this.trustCaPem, {
                expectedServerSubject: 'omega://local/service/trust',
              }),
            }
          : {}),
      });
    },

    /** nats.js connection options as `who` with its enrolled certificate (TLS, own inboxes). */
    natsOptions(who, credentials) {
      const { identityNatsOptions } = require('@omega/bus');
      const [kind, name] = who.split('/');
      const certificate = {
        certificatePem: credentials.certificateChainPem,
        privateKeyPem: credentials.tlsPrivateKey
          .export({ format: 'pem', type: 'pkcs8' })
          .toString(),
      };
      return identityNatsOptions({
        caPem,
        identity: { kind, name },
        clientCertificate: () => certificate,
      });
    },

    /** A libs/bus connection as `who` with its enrolled certificate. */
    async connectBus(who, credentials, options = {}) {
      const { connectBus } = require('@omega/bus');
      return connectBus({
        servers: nats.url,
        name: who,
        ...options,
        natsOptions: this.natsOptions(who, credentials),
      });
    },

    /** gRPC channel credentials for `credentials` (mutual TLS 1.3, trust's subject checked). */
    grpcCredentials(credentials, expectedServerSubject = 'omega://local/service/trust') {
      const { channelCredentials } = require('@omega/trust-client');
      return channelCredentials(credentials, { expectedServerSubject });
    },

    /** The settings a built service needs to enroll and join this bus (run-service does the rest). */
    serviceEnv() {
      return {
        OMEGA_NATS_AUTH: 'identity',
        OMEGA_TLS_ENABLED: 'true',
        OMEGA_ENROLLMENT_MODE: 'join-token',
        OMEGA_ENROLLMENT_TRUST_ADDRESS: trust.address,
        OMEGA_ENROLLMENT_JOIN_TOKEN_FILE: joinTokensFile,
        OMEGA_ENROLLMENT_TRUST_CA_FILE: files.caFile,
      };
    },

    async stop() {
      process.removeListener('exit', onExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await trust.stop();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
