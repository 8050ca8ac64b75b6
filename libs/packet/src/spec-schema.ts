// JSON schema of a protocol spec: ajv checks a parsed YAML document against it before anything is
// compiled, so every structural mistake is reported with the line and column of the YAML node.

const name = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 };

const field = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'size'],
  properties: {
    name,
    kind: { enum: ['uint', 'int', 'price', 'ascii', 'timestamp', 'enum'] },
    size: { type: 'integer', minimum: 1, maximum: 256 },
    byteOrder: { enum: ['big', 'little'] },
    decimals: { type: 'integer', minimum: 0, maximum: 18 },
    unit: { enum: ['ns-since-midnight'] },
    values: {
      type: 'object',
      minProperties: 1,
      maxProperties: 256,
      propertyNames: { minLength: 1, maxLength: 1 },
      additionalProperties: { type: 'string', maxLength: 128 },
    },
    description: { type: 'string', maxLength: 1024 },
  },
  allOf: [
    {
      if: { properties: { kind: { enum: ['uint', 'int', 'price', 'timestamp'] } } },
      then: { properties: { size: { enum: [1, 2, 4, 6, 8] } } },
    },
    {
      if: { properties: { kind: { const: 'price' } } },
      then: { required: ['decimals'] },
    },
    {
      if: { properties: { kind: { const: 'timestamp' } } },
      then: { required: ['unit'] },
    },
    {
      if: { properties: { kind: { const: 'enum' } } },
      then: { required: ['values'], properties: { size: { const: 1 } } },
    },
  ],
} as const;

export const PROTOCOL_SPEC_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['protocol', 'title', 'source', 'framing', 'byteOrder', 'header', 'messages'],
  properties: {
    protocol: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 32 },
    title: { type: 'string', maxLength: 256 },
    source: { type: 'string', maxLength: 2048 },
    framing: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { enum: ['moldudp64'] } },
    },
    byteOrder: { enum: ['big', 'little'] },
    header: { type: 'array', maxItems: 64, items: field },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'name', 'title', 'length', 'fields'],
        properties: {
          type: { type: 'string', minLength: 1, maxLength: 1 },
          name,
          title: { type: 'string', maxLength: 256 },
          length: { type: 'integer', minimum: 1, maximum: 65535 },
          fields: { type: 'array', maxItems: 256, items: field },
        },
      },
    },
  },
} as const;
