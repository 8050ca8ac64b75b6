import { Code, OmegaError } from '@omega/runtime';
import { subjectToken, subjects } from './subjects';

describe('subjects', () => {
  it('builds the subject of every stream from its tokens', () => {
    expect(subjects.telemetry('exec', 'node-1')).toBe('omega.telemetry.exec.node-1');
    expect(subjects.alerts('high')).toBe('omega.alerts.high');
    expect(subjects.tasks('contain-scan')).toBe('omega.tasks.contain-scan');
    expect(subjects.workflow('wf_01HXYZ')).toBe('omega.wf.wf_01HXYZ');
    expect(subjects.deception('ssh-decoy-3')).toBe('omega.deception.ssh-decoy-3');
    expect(subjects.dlq('TELEMETRY', 'intelligence')).toBe('omega.dlq.TELEMETRY.intelligence');
    expect(subjects.auditLeaves).toBe('omega.audit.leaves');
    expect(subjects.auditCheckpoints).toBe('omega.audit.checkpoints');
  });

  it.each([
    [
      'a dot',
      () => subjects.telemetry('exec', 'node.1'),
      /telemetry\.node="node\.1" contains '\.' at index 4/,
    ],
    ['a star', () => subjects.alerts('*'), /alerts\.severity="\*" contains '\*' at index 0/],
    [
      'a full wildcard',
      () => subjects.tasks('all>'),
      /tasks\.playbook="all>" contains '>' at index 3/,
    ],
    ['a space', () => subjects.workflow('wf 1'), /workflow\.id="wf 1" contains U\+0020 at index 2/],
    ['a tab', () => subjects.deception('d\t'), /deception\.decoy=.* contains U\+0009 at index 1/],
    ['a newline', () => subjects.dlq('DLQ', 'c\n'), /dlq\.consumer=.* contains U\+000A/],
    ['nothing', () => subjects.telemetry('', 'n'), /telemetry\.kind must be a non-empty string/],
  ])('rejects a token with %s, naming it', (_what, build, message) => {
    let error: unknown;
    try {
      build();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OmegaError);
    expect((error as OmegaError).code).toBe(Code.InvalidArgument);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects overlong tokens', () => {
    expect(() => subjectToken('x'.repeat(257), 'test.token')).toThrow(/at most 256/);
    expect(subjectToken('x'.repeat(256), 'test.token')).toHaveLength(256);
  });
});
