import { Code, OmegaError } from '@omega/runtime';
import {
  compareVersions,
  parseVersion,
  requireServerFeature,
  serverSupports,
} from './server-features';

describe('server feature gates', () => {
  it('parses server versions, including pre-releases', () => {
    expect(parseVersion('2.12.15')).toEqual({ major: 2, minor: 12, patch: 15 });
    expect(parseVersion('v2.10.0-beta.3')).toEqual({ major: 2, minor: 10, patch: 0 });
    expect(() => parseVersion('latest')).toThrow(/'latest' is not a version/);
    expect(compareVersions(parseVersion('2.9.10'), parseVersion('2.10.0'))).toBeLessThan(0);
  });

  it('knows what Debian 2.9 lacks and a current server has', () => {
    expect(serverSupports('2.9.10', 'jetstream')).toBe(true);
    expect(serverSupports('2.9.10', 'streamCompression')).toBe(false);
    expect(serverSupports('2.10.0', 'streamCompression')).toBe(true);
    expect(serverSupports('2.10.22', 'termReason')).toBe(false);
    expect(serverSupports('2.12.15', 'termReason')).toBe(true);
    expect(serverSupports('2.8.4', 'jetstream')).toBe(false);
  });

  it('fails with the feature, the version it needs and the server it found', () => {
    let error: unknown;
    try {
      requireServerFeature(
        '2.9.10',
        'streamCompression',
        'stream TELEMETRY',
        'nats-server at 127.0.0.1:4222',
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OmegaError);
    expect((error as OmegaError).code).toBe(Code.FailedPrecondition);
    expect((error as Error).message).toBe(
      'stream TELEMETRY: stream compression needs nats-server 2.10.0 or newer, but nats-server at ' +
        '127.0.0.1:4222 is 2.9.10; upgrade nats-server',
    );
  });
});
