// countTopLevelField against messages the generated encoder wrote.
import { countTopLevelField } from './field-count';
import { FIELD_TAGS } from './gen/field-tags';
import { Event } from './gen/omega/v1/common';
import { TestRulesRequest } from './gen/omega/v1/intelligence';

const EVENTS = FIELD_TAGS.TestRulesRequest.events >> 3;

describe('countTopLevelField', () => {
  it('counts the elements of a repeated field and none nested deeper', () => {
    const bytes = TestRulesRequest.encode(
      TestRulesRequest.fromPartial({
        sources: [{ name: 'a.yml', content: 'x' }],
        events: [Event.fromPartial({ id: '1' }), Event.fromPartial({ id: '2' }), {}],
      }),
    ).finish();
    expect(countTopLevelField(bytes, EVENTS)).toBe(3);
    expect(countTopLevelField(bytes, FIELD_TAGS.TestRulesRequest.sources >> 3)).toBe(1);
  });

  it('stops counting at the bound, so a huge request costs no more than the bound', () => {
    const bytes = new Uint8Array(2 * 1_000_000);
    for (let i = 0; i < bytes.length; i += 2) bytes[i] = FIELD_TAGS.TestRulesRequest.events;
    expect(countTopLevelField(bytes, EVENTS, 10_001)).toBe(10_001);
    expect(countTopLevelField(bytes, EVENTS)).toBe(1_000_000);
  });

  it('names the byte offset where the bytes stop being a message', () => {
    expect(() =>
      countTopLevelField(new Uint8Array([0x12, 0x00, 0x12, 0x10, 0x41]), EVENTS),
    ).toThrow(/^not a protobuf message at byte 2: /);
  });
});
