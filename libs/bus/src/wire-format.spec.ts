import { Alert, EventBatch, Severity } from '@omega/proto';
import { findWireFormatProblem } from './wire-format';

describe('findWireFormatProblem', () => {
  it('accepts what a real encoder wrote', () => {
    const bytes = EventBatch.encode(
      EventBatch.fromPartial({
        sessionId: 's-1',
        sequence: 2n ** 60n,
        events: [{ id: 'e1', message: 'm' }],
      }),
    ).finish();
    expect(findWireFormatProblem(bytes)).toBeUndefined();
    expect(findWireFormatProblem(new Uint8Array())).toBeUndefined();
  });

  it('points at a length that runs past the end', () => {
    const bytes = Alert.encode(Alert.fromPartial({ id: 'alert-1', title: 'port scan' })).finish();
    const cut = bytes.slice(0, bytes.length - 3);
    const problem = findWireFormatProblem(cut);
    expect(problem?.problem).toMatch(/length 9 runs past the end \(\d+ bytes\)/);
    expect(problem?.offset).toBe(bytes.length - 11);
  });

  it('points at an invalid wire type', () => {
    const good = Alert.encode(
      Alert.fromPartial({ id: 'a', severity: Severity.SEVERITY_HIGH }),
    ).finish();
    const bytes = new Uint8Array([...good, 0x0f]);
    expect(findWireFormatProblem(bytes)).toEqual({
      offset: good.length,
      problem: 'field 1: invalid wire type 7',
    });
  });

  it('points at a cut-off tag or varint, and field number 0', () => {
    expect(findWireFormatProblem(new Uint8Array([0x08, 0x96]))).toEqual({
      offset: 0,
      problem: 'field 1: varint is cut off',
    });
    expect(findWireFormatProblem(new Uint8Array([0x08, 0x01, 0xff]))).toEqual({
      offset: 2,
      problem: 'field tag is cut off',
    });
    expect(findWireFormatProblem(new Uint8Array([0x00]))?.problem).toBe(
      'field number 0 is invalid',
    );
  });
});
