// decide() on hand-built histories: who may continue a running step, and what a cancel does.
import { WorkflowEvent, WorkflowEventType } from '@omega/proto';
import { decide } from './decide';
import { plan, step } from './spec-helpers';
import { ATTR, foldHistory } from './workflow-state';

const T = WorkflowEventType;
let seq = 0n;
function event(type: WorkflowEventType, fields: Partial<WorkflowEvent> = {}): WorkflowEvent {
  seq++;
  return WorkflowEvent.fromPartial({
    workflowId: 'w',
    sequence: seq,
    timeNs: seq * 1_000_000n,
    type,
    ...fields,
  });
}
const started = () =>
  event(T.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED, {
    attributes: { [ATTR.plan]: JSON.stringify(plan([step('a'), step('b', { needs: ['a'] })])) },
  });
const running = (lease: string) =>
  event(T.WORKFLOW_EVENT_TYPE_STEP_STARTED, {
    stepId: 'a',
    attempt: 1,
    attributes: { [ATTR.lease]: lease },
  });

describe('decide', () => {
  it('times out a step still held by this very task when this worker is not running it (the holder died)', () => {
    const state = foldHistory([started(), running('task/7')])!;
    const decision = decide(state, { nowMs: 10_000, lease: 'task/7', running: new Set() });
    expect(decision).toMatchObject({
      kind: 'append',
      event: {
        type: T.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT,
        stepId: 'a',
        attempt: 1,
        detail: 'attempt 1 lost its lease: the worker holding it stopped before finishing',
        attributes: { [ATTR.errorCode]: 'lease_lost', [ATTR.retryAtMs]: String(10_000 + 50) },
      },
    });
  });

  it('leaves a step held by another task to its holder', () => {
    const state = foldHistory([started(), running('task/7')])!;
    expect(decide(state, { nowMs: 1, lease: 'task/9', running: new Set() })).toEqual({
      kind: 'wait',
      localRunning: false,
      foreign: true,
      wakeAtMs: undefined,
    });
  });

  it('waits on its own running step', () => {
    const state = foldHistory([started(), running('task/7')])!;
    expect(decide(state, { nowMs: 1, lease: 'task/7', running: new Set(['a']) })).toMatchObject({
      kind: 'wait',
      localRunning: true,
    });
  });

  it('closes a workflow whose cancel was requested, whatever is running', () => {
    const state = foldHistory([
      started(),
      running('task/7'),
      event(T.WORKFLOW_EVENT_TYPE_CANCEL_REQUESTED, { detail: 'false positive' }),
    ])!;
    expect(decide(state, { nowMs: 1, lease: 'task/7', running: new Set(['a']) })).toEqual({
      kind: 'append',
      event: { type: T.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED, detail: 'false positive' },
    });
  });

  it('continues a workflow started by the release before CEL from its recorded plan', () => {
    // WORKFLOW_STARTED as that release wrote it: no plan version, a `${...}` condition,
    // continueOnFailure and no failure policy.
    const recorded =
      '{"steps":[{"id":"block","kind":"action","action":"block_ip","params":{},"needs":[],' +
      '"retry":{"maxAttempts":1,"initialBackoffMs":0,"backoffCoefficient":2,"maxBackoffMs":0,' +
      '"nonRetryableCodes":[]},"timeoutMs":1000,"heartbeatTimeoutMs":0,"continueOnFailure":true},' +
      '{"id":"isolate","kind":"action","action":"isolate_pod","params":{"pod":"${alert.pod}"},' +
      '"needs":["block"],"condition":"${alert.pod} != \\"\\" and ${steps.block.status} in [failed, completed]",' +
      '"retry":{"maxAttempts":1,"initialBackoffMs":0,"backoffCoefficient":2,"maxBackoffMs":0,' +
      '"nonRetryableCodes":[]},"timeoutMs":1000,"heartbeatTimeoutMs":0,"continueOnFailure":false}],' +
      '"onFailure":[],"timeoutMs":0}';
    const state = foldHistory([
      event(T.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED, {
        attributes: { [ATTR.plan]: recorded, 'alert.pod': 'shop/web' },
      }),
      event(T.WORKFLOW_EVENT_TYPE_STEP_STARTED, { stepId: 'block', attempt: 1 }),
      event(T.WORKFLOW_EVENT_TYPE_STEP_FAILED, { stepId: 'block', attempt: 1, detail: 'kv down' }),
    ])!;
    expect(decide(state, { nowMs: 1, lease: 'task/1', running: new Set() })).toEqual({
      kind: 'start',
      stepId: 'isolate',
      attempt: 1,
      params: { pod: 'shop/web' },
    });
  });
});
