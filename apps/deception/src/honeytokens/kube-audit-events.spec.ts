// Reading audit EventLists: which events are Secret reads (the stage that says the data left the
// API server), what is kept of who and where, and how malformed or oversized batches are refused.
// The events are shaped as kube-apiserver v1.34 writes them at Metadata level.
import { Code } from '@omega/runtime';
import { AUDIT_LIMITS, describeSecretRead, secretReads } from './kube-audit-events';

function event(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: '6c1b1d2e-6f1a-4f0e-9a43-4a4c1e2f0b11',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/payments/secrets/aws-prod-credentials',
    verb: 'get',
    user: {
      username: 'system:serviceaccount:payments:intruder',
      uid: 'f0e1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:payments', 'system:authenticated'],
    },
    sourceIPs: ['10.0.3.7'],
    userAgent: 'kubectl/v1.34.5 (linux/amd64) kubernetes/abcdef0',
    objectRef: {
      resource: 'secrets',
      namespace: 'payments',
      name: 'aws-prod-credentials',
      apiVersion: 'v1',
    },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-12-07T16:00:00.000000Z',
    stageTimestamp: '2026-12-07T16:00:00.004000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    ...overrides,
  };
}

const list = (...items: unknown[]) => ({
  kind: 'EventList',
  apiVersion: 'audit.k8s.io/v1',
  metadata: {},
  items,
});

describe('secretReads', () => {
  it('keeps a get of a Secret with who, groups, source, user agent and answer', () => {
    const [read] = secretReads(list(event()));
    expect(read).toEqual({
      auditId: '6c1b1d2e-6f1a-4f0e-9a43-4a4c1e2f0b11',
      verb: 'get',
      namespace: 'payments',
      name: 'aws-prod-credentials',
      username: 'system:serviceaccount:payments:intruder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:payments', 'system:authenticated'],
      impersonatedUser: '',
      sourceIps: ['10.0.3.7'],
      userAgent: 'kubectl/v1.34.5 (linux/amd64) kubernetes/abcdef0',
      requestUri: '/api/v1/namespaces/payments/secrets/aws-prod-credentials',
      code: 200,
      stage: 'ResponseComplete',
    });
    expect(describeSecretRead(read!)).toBe(
      'get secret payments/aws-prod-credentials by system:serviceaccount:payments:intruder (groups system:serviceaccounts,system:serviceaccounts:payments,system:authenticated; from 10.0.3.7; user agent kubectl/v1.34.5 (linux/amd64) kubernetes/abcdef0; answered 200)',
    );
  });

  it('takes a get or list at ResponseComplete and a watch at ResponseStarted, nothing else', () => {
    const reads = secretReads(
      list(
        event({ stage: 'RequestReceived' }),
        event({
          stage: 'ResponseComplete',
          verb: 'list',
          objectRef: { resource: 'secrets', namespace: 'payments' },
        }),
        event({ stage: 'ResponseStarted', verb: 'watch', objectRef: { resource: 'secrets' } }),
        event({ stage: 'ResponseComplete', verb: 'watch', objectRef: { resource: 'secrets' } }),
        event({ verb: 'create' }),
        event({ objectRef: { resource: 'configmaps', namespace: 'payments', name: 'x' } }),
        event({
          objectRef: { resource: 'secrets', apiGroup: 'example.com', namespace: 'p', name: 'x' },
        }),
        event({ stage: 'Panic' }),
      ),
    );
    expect(
      reads.map((read) => `${read.verb} ${read.stage} ${read.namespace}/${read.name}`),
    ).toEqual([
      'list ResponseComplete payments/',
      'watch ResponseStarted /',
      'get Panic payments/aws-prod-credentials',
    ]);
    expect(describeSecretRead(reads[1]!)).toMatch(/^watch secrets in all namespaces by /);
  });

  it('names the user an impersonating request acted as, and a refused read', () => {
    const [read] = secretReads(
      list(event({ impersonatedUser: { username: 'jane' }, responseStatus: { code: 403 } })),
    );
    expect(describeSecretRead(read!)).toMatch(/ \(as jane; .*; answered 403\)$/);
  });

  it('bounds what it keeps of each field', () => {
    const [read] = secretReads(
      list(
        event({
          userAgent: 'u'.repeat(5000),
          sourceIPs: Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`),
        }),
      ),
    );
    expect(read!.userAgent).toHaveLength(AUDIT_LIMITS.maxFieldChars);
    expect(read!.sourceIps).toHaveLength(AUDIT_LIMITS.maxSourceIps);
  });

  it('refuses what is not an audit.k8s.io/v1 EventList, naming the field', () => {
    const refused = (body: unknown) => {
      try {
        secretReads(body);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(refused([])).toMatchObject({
      code: Code.InvalidArgument,
      message: 'audit EventList body: not a JSON object',
    });
    expect(refused({ ...list(), apiVersion: 'audit.k8s.io/v1beta1' })).toMatchObject({
      message: expect.stringContaining(
        'apiVersion: "audit.k8s.io/v1beta1", expected "audit.k8s.io/v1"',
      ),
    });
    expect(refused(list(event(), event({ user: { username: 7 } })))).toMatchObject({
      code: Code.InvalidArgument,
      message: 'audit EventList items[1].user.username: not a string',
    });
    expect(refused(list(event({ responseStatus: { code: '200' } })))).toMatchObject({
      message: 'audit EventList items[0].responseStatus.code: not an integer',
    });
    const tooMany = list(...Array.from({ length: AUDIT_LIMITS.maxEvents + 1 }, () => ({})));
    expect(refused(tooMany)).toMatchObject({
      code: Code.ResourceExhausted,
      message: expect.stringContaining('--audit-webhook-batch-max-size'),
    });
  });
});
