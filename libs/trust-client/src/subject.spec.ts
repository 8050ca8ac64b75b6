import { IdentityKind } from '@omega/proto';
import { formatSubject, identityKindOf, parseSubject, subjectKindOf } from './subject';

describe('subjects', () => {
  it('formats and parses omega://<cluster>/<kind>/<name>', () => {
    expect(formatSubject({ cluster: 'local', kind: 'sentinel', name: 'node-1' })).toBe(
      'omega://local/sentinel/node-1',
    );
    expect(parseSubject('omega://prod-eu/service/intelligence')).toEqual({
      cluster: 'prod-eu',
      kind: 'service',
      name: 'intelligence',
    });
  });

  it('names the malformed part', () => {
    expect(() => parseSubject('spiffe://local/sentinel/node-1')).toThrow(
      /does not start with omega:\/\//,
    );
    expect(() => parseSubject('omega://local/robot/r2')).toThrow(/subject kind "robot" is unknown/);
    expect(() => parseSubject('omega://local/sentinel/Node_1')).toThrow(
      /subject name "Node_1" is malformed/,
    );
    expect(() => parseSubject('omega://local/sentinel/a/b')).toThrow(/must have the form/);
  });

  it('maps kinds to the proto enum and refuses the trust root', () => {
    expect(identityKindOf('edge')).toBe(IdentityKind.IDENTITY_KIND_EDGE);
    expect(subjectKindOf(IdentityKind.IDENTITY_KIND_SENTINEL)).toBe('sentinel');
    expect(() => subjectKindOf(IdentityKind.IDENTITY_KIND_TRUST_ROOT)).toThrow(
      /IDENTITY_KIND_TRUST_ROOT cannot enroll/,
    );
  });
});
