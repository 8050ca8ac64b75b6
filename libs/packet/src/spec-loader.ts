// Reads a protocol spec from YAML text: YAML syntax, the JSON schema, then the meaning (unique
// types and names, lengths that add up). Every error names the spec and the line and column.
import Ajv from 'ajv';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { Code, OmegaError } from '@omega/errors';
import { PROTOCOL_SPEC_SCHEMA } from './spec-schema';
import type {
  CompiledMessage,
  CompiledSpec,
  FieldSpec,
  PlacedField,
  ProtocolSpec,
} from './spec-types';

/** Spec files are small; a bigger one is a mistake or an attack. */
export const MAX_SPEC_BYTES = 1 << 20;

const validate = new Ajv({
  allErrors: false,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
}).compile(PROTOCOL_SPEC_SCHEMA);

export function parseSpec(text: string, specName = 'spec'): CompiledSpec {
  if (text.length > MAX_SPEC_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${specName}: ${text.length} bytes is over the ${MAX_SPEC_BYTES}-byte limit for a spec`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${specName}:${line}:${col}`;
  };
  const first = doc.errors[0];
  if (first) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${at(first.pos[0])}: ${first.message.split('\n')[0]}`,
    );
  }
  // Where a JSON pointer points in the YAML (the deepest node that exists).
  const locate = (path: (string | number)[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return at(0);
  };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!validate(value)) {
    const error = validate.errors?.[0];
    const path = (error?.instancePath ?? '')
      .split('/')
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
    const extra =
      error?.keyword === 'additionalProperties'
        ? ` '${String((error.params as { additionalProperty: string }).additionalProperty)}'`
        : error?.keyword === 'enum'
          ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
          : '';
    const where = path.length > 0 ? path.join('.') : '(top)';
    throw new OmegaError(
      Code.InvalidArgument,
      `${locate(path)}: ${where} ${error?.message ?? 'is invalid'}${extra}`,
    );
  }
  return compileSpec(value as ProtocolSpec, (path) => locate(path));
}

/** Places every field and checks what the schema cannot: unique types and names, lengths. */
function compileSpec(
  spec: ProtocolSpec,
  locate: (path: (string | number)[]) => string,
): CompiledSpec {
  const fail = (path: (string | number)[], message: string): never => {
    throw new OmegaError(Code.InvalidArgument, `${locate(path)}: ${path.join('.')} ${message}`);
  };
  const place = (fields: FieldSpec[], start: number, path: (string | number)[]): PlacedField[] => {
    let offset = start;
    return fields.map((field, i) => {
      if (field.kind === 'int' && field.size === 6)
        fail([...path, i, 'size'], 'int of 6 bytes is not supported');
      const placed = { ...field, offset, byteOrder: field.byteOrder ?? spec.byteOrder };
      offset += field.size;
      return placed;
    });
  };
  const header = place(spec.header, 1, ['header']);
  const headerEnd = 1 + spec.header.reduce((n, f) => n + f.size, 0);
  const types = new Set<string>();
  const names = new Set<string>();
  const compiled: CompiledMessage[] = spec.messages.map((message, i) => {
    const typeByte = message.type.charCodeAt(0);
    if (typeByte > 0x7e || typeByte < 0x20)
      fail(['messages', i, 'type'], 'must be a printable ASCII character');
    if (types.has(message.type))
      fail(['messages', i, 'type'], `'${message.type}' is defined twice`);
    if (names.has(message.name))
      fail(['messages', i, 'name'], `'${message.name}' is defined twice`);
    types.add(message.type);
    names.add(message.name);
    const own = place(message.fields, headerEnd, ['messages', i, 'fields']);
    const seen = new Set(header.map((f) => f.name));
    message.fields.forEach((f, j) => {
      if (seen.has(f.name))
        fail(['messages', i, 'fields', j, 'name'], `'${f.name}' is defined twice`);
      seen.add(f.name);
    });
    const sum = headerEnd + message.fields.reduce((n, f) => n + f.size, 0);
    if (sum !== message.length) {
      fail(
        ['messages', i, 'length'],
        `is ${message.length} but the type byte, header and fields add up to ${sum}`,
      );
    }
    return { ...message, typeByte, placed: [...header, ...own] };
  });
  return { ...spec, compiled };
}
