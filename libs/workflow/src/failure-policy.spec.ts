// Step failure policies against a real nats-server: `fail` runs on_failure, `continue` goes on,
// `compensate` runs only the failed step's compensations; and a plan recorded by the release
// before (no version: `${ref}` conditions, continueOnFailure) still runs to its end.
import { Code } from '@omega/errors';
import { WorkflowStatus } from '@omega/proto';
import type { Bus } from '@omega/bus';
import { withNats } from '@omega/testkit';
import { ActivityError, type ActivityContext } from './activity';
import { connect, engine, plan, step, waitForStatus } from './spec-helpers';
import { stepStatusName } from './workflow-state';
import type { WorkflowEngine } from './workflow-engine';

const nats = withNats({ jetstream: true });
let bus: Bus;
let e: WorkflowEngine;
/** What each step was given, by workflow/step. */
const ran = new Map<string, Record<string, string>>();

const ACTIVITIES = {
  record: async (ctx: ActivityContext) => {
    ran.set(ctx.idempotencyKey, ctx.params);
    return { said: ctx.params['text'] ?? '', broken_flows: '0' };
  },
  unreachable: async (): Promise<Record<string, string>> => {
    throw ActivityError.permanent(Code.InvalidArgument, 'no webhook configured');
  },
};

beforeAll(async () => {
  bus = await connect(nats.url, 'failure-policy-spec');
  e = engine(bus, ACTIVITIES, 'policy-worker');
  await e.start();
  nats.beforeStop(async () => {
    await e.stop();
    await bus.drain();
  });
});

const statuses = (state: Awaited<ReturnType<typeof waitForStatus>>['state']) =>
  Object.fromEntries([...state.steps.values()].map((r) => [r.step.id, stepStatusName(r.status)]));

/** contain (records), tell (fails with the given policy), after (needs tell); undo on failure. */
function containAndTell(tell: Partial<Parameters<typeof step>[1]>) {
  return {
    ...plan(
      [
        step('contain', { params: { text: 'blocked' } }),
        step('tell', { action: 'unreachable', needs: ['contain'], ...tell }),
        step('after', { needs: ['tell'], params: { text: 'went on' } }),
      ],
      [
        step('undo', {
          params: { text: 'undone' },
          condition: 'steps.contain.status == "completed"',
        }),
      ],
    ),
  };
}

describe('a failing step', () => {
  it('with on_failure fail (the default) fails the workflow and its on_failure steps undo', async () => {
    await e.client.start({
      workflowId: 'policy-fail',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: containAndTell({}),
    });
    const { state } = await waitForStatus(e, 'policy-fail', [
      WorkflowStatus.WORKFLOW_STATUS_FAILED,
    ]);
    expect(statuses(state)).toEqual({
      contain: 'completed',
      tell: 'failed',
      after: 'skipped',
      undo: 'completed',
    });
    expect(ran.has('policy-fail/undo')).toBe(true);
  });

  it('with on_failure continue is recorded as failed and the workflow goes on; nothing is undone', async () => {
    await e.client.start({
      workflowId: 'policy-continue',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: containAndTell({ onFailure: 'continue', continueOnFailure: true }),
    });
    const { state } = await waitForStatus(e, 'policy-continue', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    expect(statuses(state)).toEqual({
      contain: 'completed',
      tell: 'failed',
      after: 'completed',
      undo: 'pending',
    });
    expect(ran.has('policy-continue/undo')).toBe(false);
  });

  it('with on_failure compensate runs its own compensations, reading its failure, and nothing else', async () => {
    const compensated = {
      ...plan([
        step('contain', {
          params: { text: 'blocked' },
          onFailure: 'compensate',
          continueOnFailure: true,
          compensate: ['spare'],
        }),
        step('tell', {
          action: 'unreachable',
          needs: ['contain'],
          onFailure: 'compensate',
          continueOnFailure: true,
          compensate: ['note', 'note-2'],
        }),
        step('after', { needs: ['tell'], params: { text: 'went on' } }),
      ]),
      onFailure: [step('undo', { params: { text: 'undone' } })],
      compensations: [
        step('note', { params: { text: 'not told: ${failure.step}: ${failure.error}' } }),
        step('note-2', { needs: ['note'], params: { text: '${steps.note.said}' } }),
        step('spare', { params: { text: 'contain failed' } }),
      ],
    };
    await e.client.start({
      workflowId: 'policy-compensate',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: compensated,
    });
    const { state } = await waitForStatus(e, 'policy-compensate', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    expect(statuses(state)).toEqual({
      contain: 'completed',
      tell: 'failed',
      after: 'completed',
      undo: 'pending',
      note: 'completed',
      'note-2': 'completed',
      spare: 'skipped',
    });
    expect(ran.get('policy-compensate/note')).toEqual({
      text: 'not told: tell: no webhook configured',
    });
    expect(ran.get('policy-compensate/note-2')).toEqual({
      text: 'not told: tell: no webhook configured',
    });
    expect(state.steps.get('spare')?.error).toBe('not needed: contain did not fail');
  });
});

describe('a plan recorded before failure policies and CEL (no version)', () => {
  it('runs to its end: `${ref}` conditions and continueOnFailure as they were', async () => {
    const old = {
      steps: [
        step('contain', { params: { text: 'blocked' } }),
        step('tell', { action: 'unreachable', needs: ['contain'], continueOnFailure: true }),
        step('what-if', { needs: ['contain'], params: { text: 'sim' } }),
        step('isolate', {
          needs: ['what-if', 'tell'],
          condition: '${steps.what-if.broken_flows} in ["", "0"] and ${alert.pod:-none} != none',
          params: { text: 'isolated ${alert.pod}' },
        }),
        step('skipped-one', { needs: ['contain'], condition: '${alert.severity} == low' }),
      ],
      onFailure: [step('undo', { condition: '${steps.contain.status} == completed' })],
      timeoutMs: 0,
    };
    // As the release before wrote it: no version, no onFailure / compensate / compensations.
    const recorded = JSON.parse(JSON.stringify(old)) as typeof old;
    expect(Object.keys(recorded)).toEqual(['steps', 'onFailure', 'timeoutMs']);
    await e.client.start({
      workflowId: 'policy-v1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: { 'alert.pod': 'shop/web', 'alert.severity': 'high' },
      plan: recorded,
    });
    const { state } = await waitForStatus(e, 'policy-v1', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    expect(statuses(state)).toEqual({
      contain: 'completed',
      tell: 'failed',
      'what-if': 'completed',
      isolate: 'completed',
      'skipped-one': 'skipped',
      undo: 'pending',
    });
    expect(ran.get('policy-v1/isolate')).toEqual({ text: 'isolated shop/web' });
  });
});
