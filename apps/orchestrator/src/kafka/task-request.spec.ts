import { StartPlaybookRequest, TriggerKind } from '@omega/proto';
import { MalformedTaskRequest, decodeTaskRequest, type KafkaRecordRef } from './task-request';

const at: KafkaRecordRef = { topic: 'omega-task-requests', partition: 3, offset: '1200' };
const utf8 = (text: string) => Buffer.from(text);

function rejection(
  value: Uint8Array | null,
  headers: Record<string, string> = {},
): MalformedTaskRequest {
  try {
    decodeTaskRequest(value, headers, at);
  } catch (err) {
    if (err instanceof MalformedTaskRequest) return err;
    throw err;
  }
  throw new Error('expected the record to be rejected');
}

describe('decodeTaskRequest', () => {
  it('reads proto3 JSON, taking the workflow id as the request id and naming the record in the trigger', () => {
    const { request, trigger, format } = decodeTaskRequest(
      utf8(
        ' {"workflowId":"req-1","playbookId":"contain-scan","inputs":{"src_ip":"10.1.2.3"},"dryRun":true}',
      ),
      {},
      at,
    );
    expect(format).toBe('json');
    expect(request).toEqual(
      StartPlaybookRequest.fromPartial({
        workflowId: 'req-1',
        playbookId: 'contain-scan',
        inputs: { src_ip: '10.1.2.3' },
        dryRun: true,
      }),
    );
    expect(trigger).toEqual(
      expect.objectContaining({
        kind: TriggerKind.TRIGGER_KIND_KAFKA,
        source: 'omega-task-requests/3/1200',
      }),
    );
  });

  it('accepts the proto field names as proto3 JSON parsers must', () => {
    const { request } = decodeTaskRequest(
      utf8('{"workflow_id":"req-2","playbook_id":"notify","alert_id":"a-1"}'),
      {},
      at,
    );
    expect(request).toEqual(
      StartPlaybookRequest.fromPartial({
        workflowId: 'req-2',
        playbookId: 'notify',
        alertId: 'a-1',
      }),
    );
  });

  it('reads protobuf bytes, encoded by the generated type as a producer would', () => {
    const bytes = StartPlaybookRequest.encode(
      StartPlaybookRequest.fromPartial({
        workflowId: 'req-3',
        playbookId: 'notify',
        incidentId: 'inc-9',
      }),
    ).finish();
    const { request, trigger, format } = decodeTaskRequest(
      bytes,
      { 'Content-Type': 'application/x-protobuf' },
      at,
    );
    expect(format).toBe('protobuf');
    expect(request.incidentId).toBe('inc-9');
    expect(trigger.incidentId).toBe('inc-9');
  });

  it('refuses a content-type it does not understand instead of guessing', () => {
    const err = rejection(utf8('{}'), { 'content-type': 'text/plain' });
    expect(err.reason).toBe('decode');
    expect(err.message).toBe(
      'kafka record omega-task-requests/3/1200: content-type "text/plain" is not supported; send ' +
        'application/json, application/x-protobuf, application/protobuf, application/vnd.google.protobuf ' +
        'or no content-type',
    );
  });

  it('names the byte position of a JSON syntax error', () => {
    const err = rejection(utf8('{"workflowId": "x",, }'));
    expect(err.reason).toBe('decode');
    expect(err.byteOffset).toBe(19);
  });

  it('rejects a field given under both of its names', () => {
    expect(
      rejection(utf8('{"workflowId":"a","workflow_id":"b","playbookId":"p"}')).message,
    ).toMatch(/field workflowId is given twice \(as workflow_id too\)$/);
  });

  it('rejects input values that are not strings, naming the path', () => {
    expect(
      rejection(utf8('{"workflowId":"a","playbookId":"p","inputs":{"port":22}}')).message,
    ).toMatch(/: inputs\.port: Invalid input: expected string, received number$/);
  });

  it('rejects a request id that cannot be a workflow subject token', () => {
    const err = rejection(utf8('{"workflowId":"tenant.a","playbookId":"p"}'));
    expect(err.reason).toBe('rejected');
    expect(err.message).toMatch(/workflowId="tenant\.a" contains '\.' at index 6/);
  });

  it('rejects a JSON value that is not an object', () => {
    expect(rejection(utf8('["workflowId"]')).message).toMatch(
      /JSON value is an array; expected a StartPlaybookRequest object$/,
    );
  });

  it('rejects protobuf without a playbook, using the proto field name', () => {
    const bytes = StartPlaybookRequest.encode(
      StartPlaybookRequest.fromPartial({ workflowId: 'req-4' }),
    ).finish();
    expect(rejection(bytes).message).toBe(
      'kafka record omega-task-requests/3/1200: playbook_id is empty',
    );
  });
});
