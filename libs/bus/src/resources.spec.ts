import { OmegaError } from '@omega/runtime';
import {
  ALL_RESOURCES,
  DUPLICATE_WINDOW_MS,
  KV_NAMES,
  OBJECT_STORE_NAMES,
  STREAM_NAMES,
  kvConfig,
  objectStoreConfig,
  streamConfig,
} from './resources';
import { subjects } from './subjects';

describe('resources', () => {
  it("declares ARCHITECTURE.md's streams, buckets and store, plus DLQ", () => {
    expect([...STREAM_NAMES]).toEqual([
      'TELEMETRY',
      'ALERTS',
      'TASKS',
      'WORKFLOWS',
      'AUDIT',
      'DECEPTION',
      'DLQ',
    ]);
    expect([...KV_NAMES]).toEqual([
      'omega_policy',
      'omega_identities',
      'omega_decoys',
      'omega_tokens',
      'omega_playbooks',
      'omega_gateway_tokens',
      'omega_twin',
    ]);
    expect([...OBJECT_STORE_NAMES]).toEqual(['omega_modules']);
    expect(ALL_RESOURCES.streams).toBe(STREAM_NAMES);
  });

  it('captures each subject builder in the intended stream', () => {
    const owner = (subject: string) =>
      STREAM_NAMES.filter((name) =>
        streamConfig(name).subjects.some((pattern) => matches(pattern, subject)),
      );
    expect(owner(subjects.telemetry('exec', 'n1'))).toEqual(['TELEMETRY']);
    expect(owner(subjects.alerts('high'))).toEqual(['ALERTS']);
    expect(owner(subjects.tasks('contain'))).toEqual(['TASKS']);
    expect(owner(subjects.workflow('wf1'))).toEqual(['WORKFLOWS']);
    expect(owner(subjects.auditLeaves)).toEqual(['AUDIT']);
    expect(owner(subjects.auditCheckpoints)).toEqual(['AUDIT']);
    expect(owner(subjects.deception('d1'))).toEqual(['DECEPTION']);
    expect(owner(subjects.dlq('TASKS', 'worker'))).toEqual(['DLQ']);
  });

  it('makes TASKS a work queue and the rest limits-retained, all on file storage', () => {
    for (const name of STREAM_NAMES) {
      const config = streamConfig(name);
      expect(config.retention).toBe(name === 'TASKS' ? 'workqueue' : 'limits');
      expect(config.storage).toBe('file');
      expect(config.duplicate_window).toBe(DUPLICATE_WINDOW_MS * 1_000_000);
      expect(config.duplicate_window).toBe(120_000_000_000);
      if (config.max_age > 0)
        expect(config.max_age).toBeGreaterThanOrEqual(config.duplicate_window);
    }
  });

  it('keeps the audit log forever and append-only', () => {
    const audit = streamConfig('AUDIT');
    expect(audit.max_age).toBe(0);
    expect(audit.max_bytes).toBe(-1);
    expect(audit.deny_delete).toBe(true);
    expect(audit.deny_purge).toBe(true);
    expect(audit.discard).toBe('new');
  });

  it('takes replicas and limit overrides from options', () => {
    const config = streamConfig('TELEMETRY', {
      replicas: 3,
      streamLimits: { TELEMETRY: { maxAgeMs: 3_600_000, compression: true } },
    });
    expect(config.num_replicas).toBe(3);
    expect(config.max_age).toBe(3_600_000 * 1_000_000);
    expect(config.compression).toBe('s2');
    expect(streamConfig('TELEMETRY').compression).toBeUndefined();
    expect(kvConfig('omega_policy', { replicas: 3 }).replicas).toBe(3);
    expect(objectStoreConfig('omega_modules', { replicas: 5 }).replicas).toBe(5);
  });

  it('refuses a replica count JetStream would refuse', () => {
    expect(() => streamConfig('ALERTS', { replicas: 0 })).toThrow(OmegaError);
    expect(() => kvConfig('omega_tokens', { replicas: 7 })).toThrow(
      /replicas must be an integer from 1 to 5/,
    );
  });
});

/** NATS subject matching: '*' is one token, '>' one or more trailing tokens. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
