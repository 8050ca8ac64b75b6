// messageTypes lists exactly the messages of common.proto (as protobufjs reads the file), each
// under its fully-qualified name.
import * as protobuf from 'protobufjs';
import { commonFixtures, loadProtobufjsRoot } from './common.fixtures';
import { Alert, Event, EventBatch, messageTypes, messageTypesByName } from './index';

/** Fully-qualified names of the message types declared in one file, nested ones included. */
function declaredMessages(namespace: protobuf.NamespaceBase, file: string): string[] {
  return namespace.nestedArray.flatMap((nested) => {
    if (!(nested instanceof protobuf.Type)) return [];
    const own = nested.filename?.endsWith(file) ? [nested.fullName.replace(/^\./, '')] : [];
    return [...own, ...declaredMessages(nested, file)];
  });
}

describe('messageTypes', () => {
  const names = messageTypes.map((type) => type.$type);

  test('lists every message declared in common.proto, and nothing else', () => {
    const declared = declaredMessages(
      loadProtobufjsRoot().lookup('omega.v1') as protobuf.Namespace,
      'omega/v1/common.proto',
    );
    expect(declared.length).toBeGreaterThanOrEqual(25);
    expect([...names].sort()).toEqual([...declared].sort());
  });

  test('has no duplicates', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  test('names the bus-facing messages by their protobuf names', () => {
    expect(messageTypesByName.get('omega.v1.Event')).toBe(Event);
    expect(messageTypesByName.get('omega.v1.EventBatch')).toBe(EventBatch);
    expect(messageTypesByName.get('omega.v1.Alert')).toBe(Alert);
    expect(messageTypesByName.get('omega.v1.Nope')).toBeUndefined();
  });

  test('every listed type has a wire fixture, so the wire tests cover all of them', () => {
    expect(new Set(commonFixtures.map((fixture) => fixture.type.$type))).toEqual(new Set(names));
  });

  test.each(names)('%s round-trips its default value', (name) => {
    const type = messageTypesByName.get(name)!;
    const empty = type.fromJSON({});
    expect(type.encode(empty).finish()).toHaveLength(0);
    expect(type.decode(new Uint8Array(0))).toEqual(empty);
  });
});
