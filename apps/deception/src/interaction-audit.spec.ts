// Interactions in trust's audit log, on a real nats-server and a real trust process: alert-capable
// interactions on DECEPTION are appended one by one up to the per-minute budget, the rest counted
// into one summary entry when the minute ends; bare connects are not appended.
import { connectBus, provision, publish, subjects, type Bus } from '@omega/bus';
import { AuditEntryKind, DecoyKind, Event, EventClass, InteractionKind } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { eventually, startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { trustAuditClient } from '@omega/trust-client';
import { AuditBudget, InteractionAudit, alertCapable } from './interaction-audit';

jest.setTimeout(90_000);

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
let bus: Bus;
let trust: TrustProcess;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'interaction-audit-spec', logger });
  await provision(bus, { streams: ['DECEPTION', 'DLQ'] });
  trust = await startTrust({ natsUrl: nats.url });
}, 60_000);

nats.beforeStop(async () => {
  await trust?.stop();
  await bus?.drain();
});

function touch(id: string, kind: InteractionKind, decoyId: string, honeytokenId = ''): Event {
  return Event.fromPartial({
    id,
    timeNs: 1_000n,
    classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    message: `ssh ${InteractionKind[kind]} on decoy ${decoyId} from 10.9.0.1`,
    srcEndpoint: { ip: '10.9.0.1', port: 40000 },
    payload: {
      $case: 'deceptionInteraction',
      value: { kind, decoyId, decoyKind: DecoyKind.DECOY_KIND_SSH, honeytokenId, sessionId: id },
    },
  });
}

async function entries(subject: string) {
  const { records } = await trust.client.listAuditEntries({
    startIndex: 0n,
    pageSize: 1000,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    subject,
  });
  return records.map((record) => record.entry!);
}

describe('AuditBudget', () => {
  it('lets max entries through per minute and counts the rest per target, handed back when the minute ends', () => {
    const budget = new AuditBudget(2);
    const taken = [0, 1, 2, 3].map((i) => budget.take(i === 3 ? 'b' : 'a', 1_000 + i).append);
    expect(taken).toEqual([true, true, false, false]);
    expect(budget.take('a', 61_000)).toEqual({
      append: true,
      closed: new Map([
        ['a', 1],
        ['b', 1],
      ]),
    });
  });
});

describe('interaction audit', () => {
  it('audits what can raise an alert and not a bare connect', () => {
    expect(
      [
        touch('1', InteractionKind.INTERACTION_KIND_CONNECT, 'd'),
        touch('2', InteractionKind.INTERACTION_KIND_DISCONNECT, 'd'),
        touch('3', InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, 'd'),
        touch('4', InteractionKind.INTERACTION_KIND_CONNECT, 'canary', 'ht-1'),
      ].map(alertCapable),
    ).toEqual([false, false, true, true]);
  });

  it('appends 3 of a flood of 10 commands one by one and counts the other 7 in one summary when the minute ends', async () => {
    let nowMs = 120_000;
    const audited: Array<[string, number]> = [];
    const audit = new InteractionAudit({
      bus,
      audit: trustAuditClient(trust.client),
      self: () => ({ id: 'service/deception', keyId: '' }),
      maxEntriesPerMinute: 3,
      logger,
      onAudited: (how, count) => audited.push([how, count]),
      onFailure: () => audited.push(['failure', 1]),
      clock: () => nowMs,
    });
    await audit.start();
    try {
      const decoyId = 'dc-f100d0000000';
      await publish(
        bus,
        subjects.deception(decoyId),
        Event,
        touch('c0', InteractionKind.INTERACTION_KIND_CONNECT, decoyId),
      );
      for (let i = 1; i <= 10; i++) {
        await publish(
          bus,
          subjects.deception(decoyId),
          Event,
          touch(`c${i}`, InteractionKind.INTERACTION_KIND_COMMAND, decoyId),
        );
      }
      await eventually('10 commands seen', () =>
        audited.filter(([how]) => how === 'entry').length === 3 ? true : undefined,
      );
      const one = await entries(`decoy/${decoyId}`);
      expect(one.map((entry) => [entry.payloadType, Event.decode(entry.payload).id])).toEqual([
        ['omega.v1.Event', 'c1'],
        ['omega.v1.Event', 'c2'],
        ['omega.v1.Event', 'c3'],
      ]);
      expect(one[0]!.summary).toBe(
        `deception interaction: ssh INTERACTION_KIND_COMMAND on decoy ${decoyId} from 10.9.0.1`,
      );

      nowMs += 60_000;
      await publish(
        bus,
        subjects.deception(decoyId),
        Event,
        touch('c11', InteractionKind.INTERACTION_KIND_COMMAND, decoyId),
      );
      const [summary] = await eventually('the summary entry', async () => {
        const found = await entries('deception/interactions');
        return found.length > 0 ? found : undefined;
      });
      expect(summary!.summary).toBe(
        `deception interactions past the audit budget of 3/min, counted: 7 (decoy/${decoyId} ×7); each is on the DECEPTION stream`,
      );
      await eventually('c11 appended', () =>
        audited.filter(([how]) => how === 'entry').length === 4 ? true : undefined,
      );
      expect(audited).toEqual([
        ['entry', 1],
        ['entry', 1],
        ['entry', 1],
        ['summarized', 7],
        ['entry', 1],
      ]);
    } finally {
      await audit.stop();
    }
  });
});
