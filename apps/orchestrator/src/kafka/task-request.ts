// Reads one Kafka record as a task request: a StartPlaybookRequest as protobuf or as proto3 JSON,
// whose workflow_id is the request id. Pure: a malformed record becomes a MalformedTaskRequest
// that names the record (topic/partition/offset) and what is wrong with it.
import { StartPlaybookRequest, Trigger, TriggerKind } from '@omega/proto';
import { subjectToken } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { z } from 'zod';

/** Where a record sits in Kafka. */
export interface KafkaRecordRef {
  topic: string;
  partition: number;
  /** Kafka offsets are int64; kafkajs hands them over as decimal strings. */
  offset: string;
}

export type TaskRequestFormat = 'json' | 'protobuf';

/** A task request ready to start: the request (workflowId = request id) and its Kafka trigger. */
export interface TaskRequest {
  request: StartPlaybookRequest;
  trigger: Trigger;
  format: TaskRequestFormat;
}

/** Why a record is dead-lettered: bytes that do not decode, or a request that cannot run. */
export type MalformedReason = 'decode' | 'rejected';

export class MalformedTaskRequest extends OmegaError {
  constructor(
    readonly record: KafkaRecordRef,
    readonly reason: MalformedReason,
    readonly problem: string,
    /** Byte offset into the value where decoding failed, when the decoder said. */
    readonly byteOffset?: number,
  ) {
    super(Code.InvalidArgument, `kafka record ${recordName(record)}: ${problem}`);
  }
}

/** `topic/partition/offset`, the form Trigger.source records. */
export function recordName(record: KafkaRecordRef): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}

/**
 * Largest request accepted. A workflow's inputs travel in its WORKFLOW_STARTED event, which must
 * fit one JetStream message (1 MiB) with the plan beside it.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** The `content-type` header values understood; anything else is refused, not guessed. */
const CONTENT_TYPES: Record<string, TaskRequestFormat> = {
  'application/json': 'json',
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/vnd.google.protobuf': 'protobuf',
};

/**
 * StartPlaybookRequest in proto3 JSON. Strict, so a misspelt field is an error rather than a
 * silently empty one; proto3 JSON parsers also accept the proto field names, so we do too.
 */
const jsonRequestSchema = z.strictObject({
  workflowId: z.string(),
  playbookId: z.string(),
  inputs: z.record(z.string(), z.string()).optional(),
  alertId: z.string().optional(),
  incidentId: z.string().optional(),
  dryRun: z.boolean().optional(),
});
const PROTO_FIELD_NAMES: Record<string, string> = {
  workflow_id: 'workflowId',
  playbook_id: 'playbookId',
  alert_id: 'alertId',
  incident_id: 'incidentId',
  dry_run: 'dryRun',
};

/** Decodes and checks one record's value; throws MalformedTaskRequest when it cannot run. */
export function decodeTaskRequest(
  value: Uint8Array | null,
  headers: Readonly<Record<string, string | undefined>>,
  record: KafkaRecordRef,
): TaskRequest {
  const fail = (reason: MalformedReason, problem: string, byteOffset?: number): never => {
    throw new MalformedTaskRequest(record, reason, problem, byteOffset);
  };
  if (value === null || value.length === 0) {
    fail('decode', 'the record has no value (a tombstone?); expected a StartPlaybookRequest');
  }
  const bytes = value as Uint8Array;
  if (bytes.length > MAX_REQUEST_BYTES) {
    fail(
      'rejected',
      `the value is ${bytes.length} bytes; a task request may be at most ${MAX_REQUEST_BYTES} ` +
        `(large data belongs elsewhere, referenced from inputs)`,
    );
  }
  const format = formatOf(bytes, headers, fail);
  const request = format === 'json' ? fromJson(bytes, fail) : fromProtobuf(bytes, fail);
  checkRequest(request, format, fail);
  return {
    request,
    format,
    trigger: Trigger.fromPartial({
      kind: TriggerKind.TRIGGER_KIND_KAFKA,
      alertId: request.alertId,
      incidentId: request.incidentId,
      source: recordName(record),
    }),
  };
}

type Fail = (reason: MalformedReason, problem: string, byteOffset?: number) => never;

function formatOf(
  bytes: Uint8Array,
  headers: Readonly<Record<string, string | undefined>>,
  fail: Fail,
): TaskRequestFormat {
  const contentType = headerValue(headers, 'content-type');
  if (contentType !== undefined) {
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const format = CONTENT_TYPES[mediaType];
    if (!format) {
      fail(
        'decode',
        `content-type ${JSON.stringify(contentType)} is not supported; send ` +
          `${Object.keys(CONTENT_TYPES).join(', ')} or no content-type`,
      );
    }
    return format as TaskRequestFormat;
  }
  // Without a header: JSON starts with '{' or '[' (after whitespace); a StartPlaybookRequest's
  // first byte is a field tag, and neither is a tag of its fields (0x7b = field 15 and 0x5b =
  // field 11, both wire type 3), so an array is read as JSON and refused as one.
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b || byte === 0x5b ? 'json' : 'protobuf';
  }
  return 'json';
}

function headerValue(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function fromJson(bytes: Uint8Array, fail: Fail): StartPlaybookRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    const message = errorMessage(err);
    const position = /position (\d+)/.exec(message);
    fail(
      'decode',
      `value is not valid JSON (${message})`,
      position ? Number(position[1]) : undefined,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail('decode', `JSON value is ${describeJson(parsed)}; expected a StartPlaybookRequest object`);
  }
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const name = PROTO_FIELD_NAMES[key] ?? key;
    if (name in renamed) fail('rejected', `field ${name} is given twice (as ${key} too)`);
    renamed[name] = value;
  }
  const result = jsonRequestSchema.safeParse(renamed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? issue.path.map(String).join('.') : '(root)';
    const problem =
      issue?.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.join(', ')} (StartPlaybookRequest has workflowId, playbookId, ` +
          `inputs, alertId, incidentId, dryRun)`
        : `${path}: ${issue?.message ?? 'invalid'}`;
    fail('rejected', problem);
  }
  const data = (result as { data: z.output<typeof jsonRequestSchema> }).data;
  return StartPlaybookRequest.fromPartial({
    workflowId: data.workflowId,
    playbookId: data.playbookId,
    inputs: data.inputs ?? {},
    alertId: data.alertId ?? '',
    incidentId: data.incidentId ?? '',
    dryRun: data.dryRun ?? false,
  });
}

function fromProtobuf(bytes: Uint8Array, fail: Fail): StartPlaybookRequest {
  try {
    return StartPlaybookRequest.decode(bytes);
  } catch (err) {
    // The decoder (@bufbuild/protobuf's BinaryReader) says what broke but not where.
    return fail(
      'decode',
      `value is not a protobuf omega.v1.StartPlaybookRequest (${errorMessage(err)}); ` +
        `JSON senders set content-type: application/json or start the value with '{'`,
    );
  }
}

/** What every request needs to run: an id to de-duplicate on and a playbook. */
function checkRequest(request: StartPlaybookRequest, format: TaskRequestFormat, fail: Fail): void {
  const field = (name: string, proto: string) => (format === 'json' ? name : proto);
  if (request.workflowId === '') {
    fail(
      'rejected',
      `${field('workflowId', 'workflow_id')} is empty; it is the request id that makes a ` +
        `redelivered request start its workflow once, so it is required`,
    );
  }
  try {
    subjectToken(request.workflowId, field('workflowId', 'workflow_id'));
  } catch (err) {
    fail('rejected', errorMessage(err));
  }
  if (request.playbookId === '') fail('rejected', `${field('playbookId', 'playbook_id')} is empty`);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
