// The worker against a real nats-server: a task it cannot use (bytes that are no WorkflowTask, a
// task without a usable workflow id, a task for a workflow with no history) is dead-lettered with
// its reason, bytes unchanged, and leaves TASKS instead of coming back forever or vanishing.
import { DeliverPolicy } from '@nats-io/jetstream';
import { DLQ_HEADERS, type Bus } from '@omega/bus';
import { WorkflowTask } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import { connect, engine } from './spec-helpers';
import { DEFAULT_WORKER_DURABLE, TASKS_STREAM } from './task-queue';
import type { WorkflowEngine } from './workflow-engine';

const nats = withNats({ jetstream: true });
let bus: Bus;
let worker: WorkflowEngine;

beforeAll(async () => {
  bus = await connect(nats.url, 'worker-spec');
  worker = engine(bus, {}, 'worker-spec');
  await worker.start();
});

nats.beforeStop(async () => {
  await worker?.stop();
  await bus?.drain();
});

interface Letter {
  data: Uint8Array;
  reason: string;
  error: string;
  subject: string;
}

async function deadLetters(count: number): Promise<Letter[]> {
  const consumer = await bus.js.consumers.get('DLQ', {
    filter_subjects: [`omega.dlq.${TASKS_STREAM}.${DEFAULT_WORKER_DURABLE}`],
    deliver_policy: DeliverPolicy.All,
  });
  const letters: Letter[] = [];
  const messages = await consumer.consume();
  const timer = setTimeout(() => void messages.close(), 10_000);
  for await (const msg of messages) {
    letters.push({
      data: msg.data,
      reason: msg.headers?.get(DLQ_HEADERS.reason) ?? '',
      error: msg.headers?.get(DLQ_HEADERS.error) ?? '',
      subject: msg.headers?.get(DLQ_HEADERS.subject) ?? '',
    });
    if (letters.length === count) break;
  }
  clearTimeout(timer);
  await messages.close();
  return letters;
}

describe('WorkflowWorker with tasks it cannot use', () => {
  it('dead-letters each with its reason and leaves none in TASKS', async () => {
    const junk = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const noId = WorkflowTask.encode(WorkflowTask.fromPartial({ reason: 'start' })).finish();
    const noHistory = WorkflowTask.encode(
      WorkflowTask.fromPartial({ workflowId: 'never-started', reason: 'start' }),
    ).finish();
    await bus.js.publish('omega.tasks.junk', junk);
    await bus.js.publish('omega.tasks.junk', noId);
    await bus.js.publish('omega.tasks.junk', noHistory);

    const letters = await deadLetters(3);
    expect(letters.map((l) => [l.subject, l.reason])).toEqual([
      ['omega.tasks.junk', 'decode'],
      ['omega.tasks.junk', 'decode'],
      ['omega.tasks.junk', 'rejected'],
    ]);
    expect(letters.map((l) => Buffer.from(l.data))).toEqual(
      [junk, noId, noHistory].map((b) => Buffer.from(b)),
    );
    expect(letters[0]!.error).toMatch(/^not a WorkflowTask: /);
    expect(letters[1]!.error).toContain('workflow.id must be a non-empty string');
    expect(letters[2]!.error).toBe('task for workflow never-started, which has no history');

    await eventually(
      'TASKS empty (each junk task terminated)',
      async () => {
        const info = await bus.jsm.streams.info(TASKS_STREAM);
        return info.state.messages === 0 ? true : undefined;
      },
      5_000,
    );
  });
});
