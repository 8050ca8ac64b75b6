// FIELD_TAGS (generated from buf's descriptors) checked against protobufjs's own reading of the
// .proto files: every message, every field, and the key each one's entries are written with.
import * as protobuf from 'protobufjs';
import { loadProtobufjsRoot } from './common.fixtures';
import { FIELD_TAGS } from './index';

const root = loadProtobufjsRoot();
const basic = protobuf.types.basic as Record<string, number | undefined>;

/** The wire type protobufjs writes a value of this field's type with (not packed). */
function wireType(type: string, resolved: protobuf.ReflectionObject | null): number {
  return basic[type] ?? (resolved instanceof protobuf.Enum ? 0 : 2);
}

function keyOf(field: protobuf.Field): number {
  const wire = wireType(field.type, field.resolvedType);
  const packed = field.repeated && field.packed && wire !== 2;
  return (field.id << 3) | (packed ? 2 : wire);
}

/** Every omega.v1 message with its FIELD_TAGS name (nested: Outer_Inner), map entries included. */
function expectedTags(): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const visit = (type: protobuf.Type, prefix: string) => {
    const name = `${prefix}${type.name}`;
    out[name] = {};
    for (const field of type.fieldsArray) {
      out[name][field.name] = keyOf(field);
      if (field instanceof protobuf.MapField) {
        const entry = `${name}_${field.name[0]!.toUpperCase()}${field.name.slice(1)}Entry`;
        out[entry] = {
          key: (1 << 3) | wireType(field.keyType, null),
          value: (2 << 3) | wireType(field.type, field.resolvedType),
        };
      }
    }
    for (const nested of type.nestedArray) {
      if (nested instanceof protobuf.Type) visit(nested, `${name}_`);
    }
  };
  for (const nested of (root.lookup('omega.v1') as protobuf.Namespace).nestedArray) {
    if (nested instanceof protobuf.Type) visit(nested, '');
  }
  return out;
}

describe('FIELD_TAGS', () => {
  it('gives every message and field the key protobufjs reads from the .proto files', () => {
    expect(FIELD_TAGS).toEqual(expectedTags());
  });

  it('keys a few fields as common.proto numbers them', () => {
    expect(FIELD_TAGS.Event.rawData).toBe((31 << 3) | 2);
    expect(FIELD_TAGS.Event.timeNs).toBe((2 << 3) | 1);
    expect(FIELD_TAGS.AuditRef.logIndex).toBe((1 << 3) | 0);
  });
});
