// The method permission table: complete for the generated service definitions, and read the way
// docs/authorization.md says (patterns, anyone, deny by default).
import { Code } from '@omega/runtime';
import { serviceDefinitions } from '@omega/proto';
import {
  METHOD_PERMISSIONS,
  REFLECTION_METHOD_PATHS,
  callerMatches,
  methodRefusal,
} from './method-permissions';

const generatedPaths = Object.values(serviceDefinitions).flatMap((definition) =>
  Object.values(definition).map((method: { path: string }) => method.path),
);
/** What a server may serve: the contract, and the standard reflection service. */
const servedPaths: string[] = [...generatedPaths, ...REFLECTION_METHOD_PATHS];

describe('METHOD_PERMISSIONS', () => {
  it('has a row for every method of every generated omega.v1 service', () => {
    const missing = generatedPaths.filter((path) => !METHOD_PERMISSIONS.has(path));
    expect(missing).toEqual([]);
  });

  it('has no row for a method the contract does not define (a typo would leave one unguarded)', () => {
    const unknown = [...METHOD_PERMISSIONS.keys()].filter((path) => !servedPaths.includes(path));
    expect(unknown).toEqual([]);
  });

  it('names only well-formed caller patterns', () => {
    for (const [path, { callers }] of METHOD_PERMISSIONS) {
      if (callers === 'anyone') continue;
      expect(callers.length).toBeGreaterThan(0);
      for (const pattern of callers) {
        expect(`${path} ${pattern}`).toMatch(
          / (sentinel|service|edge|operator)\/([a-z0-9.-]+|\*)$/,
        );
      }
    }
  });
});

describe('callerMatches', () => {
  it('matches a kind and name exactly, or any name of a kind with *', () => {
    expect(callerMatches('service/orchestrator', 'service', 'orchestrator')).toBe(true);
    expect(callerMatches('service/orchestrator', 'service', 'orchestrator-2')).toBe(false);
    expect(callerMatches('service/orchestrator', 'sentinel', 'orchestrator')).toBe(false);
    expect(callerMatches('sentinel/*', 'sentinel', 'node-1')).toBe(true);
    expect(callerMatches('sentinel/*', 'service', 'node-1')).toBe(false);
  });
});

describe('methodRefusal', () => {
  it('lets anyone call an open method, without a certificate', () => {
    expect(methodRefusal('/omega.v1.TrustService/IssueIdentity', undefined)).toBeUndefined();
  });

  it('answers UNAUTHENTICATED without a certificate, naming the method and who is allowed', () => {
    expect(methodRefusal('/omega.v1.IntelligenceService/SetRuleEnabled', undefined)).toMatchObject({
      code: Code.Unauthenticated,
      message: expect.stringMatching(
        /^\/omega\.v1\.IntelligenceService\/SetRuleEnabled: needs a client certificate .*operator\/\*, service\/gateway/,
      ),
    });
  });

  it('answers PERMISSION_DENIED for a caller not in the row, naming the method and the caller', () => {
    expect(
      methodRefusal(
        '/omega.v1.IntelligenceService/SetRuleEnabled',
        'omega://local/sentinel/node-1',
      ),
    ).toMatchObject({
      code: Code.PermissionDenied,
      message: expect.stringContaining(
        '/omega.v1.IntelligenceService/SetRuleEnabled: omega://local/sentinel/node-1 may not call it',
      ),
    });
  });

  it('refuses a method without a row, whoever calls', () => {
    expect(
      methodRefusal('/omega.v1.TrustService/Unknown', 'omega://local/operator/alice'),
    ).toMatchObject({ code: Code.PermissionDenied, message: expect.stringContaining('no row') });
  });
});
