// Why a consumer gave up on messages: the dead letters it wrote to DLQ (omega.dlq.<stream>.<consumer>)
// with their Omega-Dlq-* headers, so a stage that lost messages can say what refused them.
import { DeliverPolicy } from '@nats-io/jetstream';
import { DLQ_HEADERS, subjects, type Bus } from '@omega/bus';

export interface DeadLetter {
  readonly subject: string;
  readonly reason: string;
  readonly error: string;
}

/** The dead letters `consumer` of `stream` wrote so far (at most `max`). */
export async function deadLettersOf(
  bus: Bus,
  stream: string,
  consumer: string,
  max = 20,
): Promise<DeadLetter[]> {
  const found: DeadLetter[] = [];
  let ordered;
  try {
    ordered = await bus.js.consumers.get('DLQ', {
      filter_subjects: subjects.dlq(stream, consumer),
      deliver_policy: DeliverPolicy.All,
    });
  } catch {
    return found; // no DLQ stream: nothing was dead-lettered
  }
  const batch = await ordered.fetch({ max_messages: max, expires: 2_000 });
  for await (const message of batch) {
    found.push({
      subject: message.headers?.get(DLQ_HEADERS.subject) ?? '',
      reason: message.headers?.get(DLQ_HEADERS.reason) ?? '',
      error: message.headers?.get(DLQ_HEADERS.error) ?? '',
    });
    if (message.info.pending === 0) break;
  }
  return found;
}
