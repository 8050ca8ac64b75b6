// The engine against a real nats-server: histories, retries, failure paths, approvals, timers,
// idempotent starts and lease expiry.
// Over 400 lines on purpose: one nats-server and one set of engines per file, shared by every engine behaviour.
import { Code } from '@omega/errors';
import { StepStatus, WorkflowEventType, WorkflowStatus } from '@omega/proto';
import type { Bus } from '@omega/bus';
import { withNats } from '@omega/testkit';
import { ActivityError, type ActivityContext } from './activity';
import { connect, engine, plan, step, waitForStatus } from './spec-helpers';
import type { WorkflowEngine } from './workflow-engine';

const nats = withNats({ jetstream: true });
let bus: Bus;
const engines: WorkflowEngine[] = [];
/** idempotency key → calls, as a callee keyed on it would see them. */
const calls = new Map<string, ActivityContext[]>();

const record = async (ctx: ActivityContext) => {
  calls.set(ctx.idempotencyKey, [...(calls.get(ctx.idempotencyKey) ?? []), ctx]);
  return { seen: ctx.params['value'] ?? '', attempt: String(ctx.attempt) };
};

const failing = async () => {
  throw ActivityError.transient(Code.Unavailable, 'webhook answered 503');
};
const refused = async () => {
  throw ActivityError.permanent(Code.InvalidArgument, 'cidr "x" is not an address');
};
const hangs = (ctx: ActivityContext) =>
  new Promise<Record<string, string>>((_resolve, reject) =>
    ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
  );
/** Heartbeats every 50 ms for `params.beats` beats, then returns (or, with `stall`, goes quiet). */
const beating = async (ctx: ActivityContext) => {
  for (let i = 0; i < Number(ctx.params['beats']); i++) {
    ctx.heartbeat();
    await new Promise((r) => setTimeout(r, 50));
  }
  if (ctx.params['stall'] === 'true') return hangs(ctx);
  return { beats: ctx.params['beats'] ?? '' };
};
/** Every engine of this file runs every activity: they share one durable consumer. */
const ALL = { record, failing, refused, hangs, beating };

async function started(
  id: string,
  ackWaitMs?: number,
  activities: Parameters<typeof engine>[1] = ALL,
) {
  const e = engine(bus, activities, id, ackWaitMs);
  await e.start();
  engines.push(e);
  return e;
}

const T = WorkflowEventType;
const types = (events: { type: WorkflowEventType }[]) =>
  events.map((e) => T[e.type].replace('WORKFLOW_EVENT_TYPE_', ''));

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

beforeAll(async () => {
  bus = await connect(nats.url, 'workflow-spec');
  nats.beforeStop(async () => {
    await Promise.all(engines.map((e) => e.stop()));
    await bus.drain();
  });
});

describe('a workflow', () => {
  it('runs its steps in dependency order with templated parameters and records each in its history', async () => {
    const e = await started('w-order');
    const { alreadyStarted } = await e.client.start({
      workflowId: 'order-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: { 'alert.src_ip': '203.0.113.7' },
      plan: plan([
        step('a', { params: { value: '${alert.src_ip}' } }),
        step('b', { needs: ['a'], params: { value: 'after ${steps.a.seen}' } }),
        step('c', { needs: ['b'], condition: 'steps.b.seen == "nothing"' }),
      ]),
    });
    expect(alreadyStarted).toBe(false);
    const { state, events } = await waitForStatus(e, 'order-1', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    expect(types(events)).toEqual([
      'WORKFLOW_STARTED',
      'STEP_STARTED',
      'STEP_COMPLETED',
      'STEP_STARTED',
      'STEP_COMPLETED',
      'STEP_SKIPPED',
      'WORKFLOW_COMPLETED',
    ]);
    expect(events.map((ev) => Number(ev.sequence))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(state.steps.get('b')?.outputs['seen']).toBe('after 203.0.113.7');
    expect(state.steps.get('c')?.status).toBe(StepStatus.STEP_STATUS_SKIPPED);
  });

  it('is started once per id: a second start returns the first workflow', async () => {
    const e = await started('w-idem');
    const options = {
      workflowId: 'idem-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([step('only', { params: { value: 'x' } })]),
    };
    const first = await e.client.start(options);
    const second = await e.client.start({ ...options, inputs: { different: 'yes' } });
    expect(first.alreadyStarted).toBe(false);
    expect(second.alreadyStarted).toBe(true);
    const { events } = await waitForStatus(e, 'idem-1', [WorkflowStatus.WORKFLOW_STATUS_COMPLETED]);
    expect(events.filter((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED)).toHaveLength(
      1,
    );
    expect(calls.get('idem-1/only')).toHaveLength(1);
  });
});

describe('a failing activity', () => {
  it('is retried with backoff and then ends in the declared failure path with the error', async () => {
    const e = await started('w-fail');
    await e.client.start({
      workflowId: 'fail-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan(
        [
          step('block', { params: { value: 'b' } }),
          step('notify', {
            action: 'failing',
            needs: ['block'],
            retry: {
              maxAttempts: 3,
              initialBackoffMs: 100,
              backoffCoefficient: 2,
              maxBackoffMs: 1000,
              nonRetryableCodes: [],
            },
          }),
          step('never', { needs: ['notify'] }),
        ],
        [
          step('compensate', {
            condition: 'steps.block.status == "completed"',
            params: { value: 'undo ${failure.step}' },
          }),
          step('escalate', { params: { value: '${failure.error}' } }),
        ],
      ),
    });
    const { state, events } = await waitForStatus(e, 'fail-1', [
      WorkflowStatus.WORKFLOW_STATUS_FAILED,
    ]);
    const notify = state.steps.get('notify')!;
    expect(notify.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(notify.attempt).toBe(3);
    expect(state.failureMessage).toBe(
      'step notify failed after 3 attempt(s): webhook answered 503',
    );
    expect(state.steps.get('never')?.status).toBe(StepStatus.STEP_STATUS_SKIPPED);
    expect(state.steps.get('compensate')?.outputs['seen']).toBe('undo notify');
    expect(state.steps.get('escalate')?.outputs['seen']).toBe('webhook answered 503');
    // Backoff: attempt 2 came at least 100 ms after 1, attempt 3 at least 200 ms after 2.
    const startTimes = events
      .filter((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_STEP_STARTED && ev.stepId === 'notify')
      .map((ev) => Number(ev.timeNs / 1_000_000n));
    expect(startTimes).toHaveLength(3);
    expect(startTimes[1]! - startTimes[0]!).toBeGreaterThanOrEqual(100);
    expect(startTimes[2]! - startTimes[1]!).toBeGreaterThanOrEqual(200);
  });

  it('is not retried when its error is not retryable', async () => {
    const e = await started('w-nonretry');
    await e.client.start({
      workflowId: 'nonretry-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([step('block', { action: 'refused' })]),
    });
    const { state } = await waitForStatus(e, 'nonretry-1', [WorkflowStatus.WORKFLOW_STATUS_FAILED]);
    expect(state.steps.get('block')?.attempt).toBe(1);
    expect(state.failureMessage).toContain('cidr "x" is not an address');
  });

  it('times out an attempt that outlives its start-to-close timeout', async () => {
    const e = await started('w-timeout');
    await e.client.start({
      workflowId: 'timeout-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([
        step('slow', {
          action: 'hangs',
          timeoutMs: 200,
          retry: {
            maxAttempts: 2,
            initialBackoffMs: 10,
            backoffCoefficient: 1,
            maxBackoffMs: 10,
            nonRetryableCodes: [],
          },
        }),
      ]),
    });
    const { events, state } = await waitForStatus(e, 'timeout-1', [
      WorkflowStatus.WORKFLOW_STATUS_FAILED,
    ]);
    expect(events.filter((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT)).toHaveLength(2);
    expect(state.failureMessage).toContain('did not finish within its timeout of 200 ms');
  });
});

describe('heartbeats', () => {
  it('keep a long attempt alive; an attempt that stops heartbeating times out', async () => {
    const e = await started('w-beats');
    const once = {
      maxAttempts: 1,
      initialBackoffMs: 10,
      backoffCoefficient: 1,
      maxBackoffMs: 10,
      nonRetryableCodes: [],
    };
    await e.client.start({
      workflowId: 'beats-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([
        step('alive', {
          action: 'beating',
          params: { beats: '10' },
          heartbeatTimeoutMs: 200,
          retry: once,
        }),
        step('quiet', {
          action: 'beating',
          needs: ['alive'],
          params: { beats: '2', stall: 'true' },
          heartbeatTimeoutMs: 200,
          retry: once,
        }),
      ]),
    });
    const { state } = await waitForStatus(e, 'beats-1', [WorkflowStatus.WORKFLOW_STATUS_FAILED]);
    expect(state.steps.get('alive')?.status).toBe(StepStatus.STEP_STATUS_COMPLETED);
    expect(state.steps.get('quiet')?.error).toBe('attempt 1 sent no heartbeat within 200 ms');
  });
});

describe('approvals and timers', () => {
  it('waits for approval, then runs the step; a second approve with the same request id changes nothing', async () => {
    const e = await started('w-approve');
    await e.client.start({
      workflowId: 'approve-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([
        step('isolate', {
          params: { value: 'pod' },
          approval: { signal: 'approve', timeoutMs: 60_000 },
        }),
      ]),
    });
    await waitForStatus(e, 'approve-1', [WorkflowStatus.WORKFLOW_STATUS_RUNNING]);
    for (;;) {
      const { state } = await e.client.describe('approve-1');
      if (state.steps.get('isolate')?.awaits === 'approve') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(calls.get('approve-1/isolate')).toBeUndefined();
    await e.client.signal('approve-1', 'approve', { by: 'alice' }, 'req-1');
    await e.client.signal('approve-1', 'approve', { by: 'alice' }, 'req-1');
    const { state, events } = await waitForStatus(e, 'approve-1', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    expect(events.filter((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_SIGNAL_RECEIVED)).toHaveLength(
      1,
    );
    expect(state.steps.get('isolate')?.status).toBe(StepStatus.STEP_STATUS_COMPLETED);
    await expect(e.client.signal('approve-1', 'approve', {}, 'req-2')).rejects.toThrow(
      'workflow approve-1 is closed',
    );
  });

  it('delivers two approvals sent without request ids, one per gated step, without waiting for a deadline', async () => {
    const e = await started('w-two-gates');
    await e.client.start({
      workflowId: 'gates-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([
        step('first', { approval: { signal: 'approve', timeoutMs: 60_000 } }),
        step('second', { needs: ['first'], approval: { signal: 'approve', timeoutMs: 60_000 } }),
      ]),
    });
    for (const gate of ['first', 'second']) {
      for (;;) {
        const { state } = await e.client.describe('gates-1');
        if (state.steps.get(gate)?.awaits === 'approve') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await e.client.signal('gates-1', 'approve', {}, '');
    }
    const { events } = await waitForStatus(
      e,
      'gates-1',
      [WorkflowStatus.WORKFLOW_STATUS_COMPLETED],
      10_000,
    );
    expect(
      events
        .filter((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_SIGNAL_RECEIVED)
        .map((ev) => ev.stepId),
    ).toEqual(['first', 'second']);
  });

  it("refuses inputs named like the engine's own attributes", async () => {
    const e = await started('w-reserved');
    await expect(
      e.client.start({
        workflowId: 'reserved-1',
        playbookId: 'spec',
        playbookVersion: 1,
        inputs: { $plan: '{}' },
        plan: plan([step('a')]),
      }),
    ).rejects.toThrow(
      "workflow reserved-1: input '$plan' starts with '$', which the engine reserves for its own attributes",
    );
  });

  it('fails a step whose approval is rejected, naming who rejected it', async () => {
    const e = await started('w-reject');
    await e.client.start({
      workflowId: 'reject-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([step('isolate', { approval: { signal: 'approve', timeoutMs: 60_000 } })]),
    });
    for (;;) {
      const { state } = await e.client.describe('reject-1');
      if (state.steps.get('isolate')?.awaits === 'approve') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await expect(e.client.signal('reject-1', 'resume', {}, 'r0')).rejects.toThrow(
      "workflow reject-1 is not waiting for 'resume' (waiting for: approve, reject)",
    );
    await e.client.signal('reject-1', 'reject', { by: 'bob', reason: 'prod freeze' }, 'r1');
    const { state } = await waitForStatus(e, 'reject-1', [WorkflowStatus.WORKFLOW_STATUS_FAILED]);
    expect(state.failureMessage).toContain('approval rejected by bob: prod freeze');
    expect(calls.get('reject-1/isolate')).toBeUndefined();
  });

  it('times an approval out, and a durable sleep fires after its delay, on a worker started after the first stopped', async () => {
    const first = engine(bus, ALL, 'w-timer-a');
    await first.start();
    await first.client.start({
      workflowId: 'timer-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([
        step('nap', { kind: 'sleep', sleepMs: 1500 }),
        step('after', { needs: ['nap'], params: { value: 'woke' } }),
      ]),
    });
    await first.client.start({
      workflowId: 'deadline-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([step('gated', { approval: { signal: 'approve', timeoutMs: 1500 } })]),
    });
    for (;;) {
      const timer = (await first.client.describe('timer-1')).state.steps.get('nap');
      const gate = (await first.client.describe('deadline-1')).state.steps.get('gated');
      if (timer?.status === StepStatus.STEP_STATUS_SCHEDULED && gate?.awaits) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.stop();
    const second = await started('w-timer-b');
    const timer = await waitForStatus(second, 'timer-1', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    const gate = await waitForStatus(second, 'deadline-1', [WorkflowStatus.WORKFLOW_STATUS_FAILED]);
    const fired = timer.events.find((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_TIMER_FIRED)!;
    const scheduled = timer.events.find((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_STEP_SCHEDULED)!;
    expect(Number((fired.timeNs - scheduled.timeNs) / 1_000_000n)).toBeGreaterThanOrEqual(1500);
    expect(timer.state.steps.get('after')?.outputs['seen']).toBe('woke');
    expect(gate.state.failureMessage).toContain(
      "approval timed out: no 'approve' signal within 1500 ms",
    );
  });
});

describe('a worker that dies mid-step', () => {
  it('loses its lease, and the step resumes on another worker with the same idempotency key', async () => {
    const deadBus = await connect(nats.url, 'workflow-spec-dying');
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const stuck = async (ctx: ActivityContext) => {
      await record(ctx);
      entered();
      return new Promise<Record<string, string>>(() => undefined);
    };
    const dying = engine(deadBus, { ...ALL, record: stuck }, 'w-dying', 1000);
    await dying.start();
    await dying.client.start({
      workflowId: 'lease-1',
      playbookId: 'spec',
      playbookVersion: 1,
      inputs: {},
      plan: plan([step('effect', { params: { value: 'once' } })]),
    });
    await inside;
    // The process "dies": its connection goes away without acking, nacking or heartbeating.
    await deadBus.nc.close();
    nats.beforeStop(() => dying.stop());
    const survivor = await started('w-survivor', 1000);
    const { state, events } = await waitForStatus(survivor, 'lease-1', [
      WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    ]);
    const lost = events.find((ev) => ev.type === T.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT)!;
    expect(lost.detail).toBe(
      'attempt 1 lost its lease: the worker holding it stopped before finishing',
    );
    expect(state.steps.get('effect')?.attempt).toBe(2);
    const keys = calls.get('lease-1/effect')!.map((c) => c.idempotencyKey);
    expect(keys).toEqual(['lease-1/effect', 'lease-1/effect']);
  });
});
