// Feature gates: what nats-server version each JetStream feature Omega uses needs, so an old
// server fails with the version to upgrade to instead of a confusing API error (as nats.js's
// semver.ts does for the client's own features).
import type { NatsConnection } from '@nats-io/transport-node';
import { Code, OmegaError } from '@omega/runtime';

export const SERVER_FEATURES = {
  /** The consumer create/update API @nats-io/jetstream v3 speaks. */
  jetstream: { minVersion: '2.9.0', what: 'JetStream as used by @nats-io/jetstream v3' },
  /** `compression: 's2'` on a stream. */
  streamCompression: { minVersion: '2.10.0', what: 'stream compression' },
  /** Updating a consumer's filter subject in place. */
  consumerFilterUpdate: { minVersion: '2.10.0', what: 'changing a consumer filter subject' },
  /** A reason string on `+TERM`, shown in the terminated advisory. */
  termReason: { minVersion: '2.11.0', what: 'a reason on message termination' },
  /** Several messages of one subject in one direct-get request (workflow history reads). */
  batchDirectGet: { minVersion: '2.11.0', what: 'batched direct gets' },
} as const;
export type ServerFeature = keyof typeof SERVER_FEATURES;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/** Parses `2.12.15`, `v2.10.0-beta.3` and the like; throws on anything without x.y.z. */
export function parseVersion(version: string): SemVer {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) {
    throw new OmegaError(Code.InvalidArgument, `'${version}' is not a version (expected x.y.z)`);
  }
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function compareVersions(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True if a server at `serverVersion` has `feature`. */
export function serverSupports(serverVersion: string, feature: ServerFeature): boolean {
  const need = parseVersion(SERVER_FEATURES[feature].minVersion);
  return compareVersions(parseVersion(serverVersion), need) >= 0;
}

/**
 * Throws OmegaError(FailedPrecondition) naming the feature, the version it needs and the server's
 * version when `serverVersion` is too old. `where` says what needed it (e.g. "stream TELEMETRY").
 */
export function requireServerFeature(
  serverVersion: string,
  feature: ServerFeature,
  where: string,
  server = 'the server',
): void {
  if (serverSupports(serverVersion, feature)) return;
  const { minVersion, what } = SERVER_FEATURES[feature];
  throw new OmegaError(
    Code.FailedPrecondition,
    `${where}: ${what} needs nats-server ${minVersion} or newer, but ${server} is ${serverVersion}; ` +
      `upgrade nats-server`,
  );
}

/**
 * Checks that the connected server has JetStream enabled and is new enough for this library;
 * returns its version.
 */
export function requireJetStream(nc: NatsConnection, where: string): string {
  const info = nc.info;
  const server = `nats-server at ${nc.getServer()}`;
  if (!info) {
    throw new OmegaError(Code.Unavailable, `${where}: not connected to a nats-server`);
  }
  if (!info.jetstream) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${where}: ${server} (${info.version}) has JetStream disabled; start it with -js ` +
        `(or "jetstream {}" in its config)`,
    );
  }
  requireServerFeature(info.version, 'jetstream', where, server);
  return info.version;
}
