// The JSON schema of a playbook YAML document. Structure only: what the schema cannot say
// (actions exist, needs resolve, references resolve, conditions type-check, compensations
// exist) playbook-checks.ts adds.
export const STEP_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

const retry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_attempts: { type: 'integer', minimum: 1, maximum: 100 },
    initial_backoff_ms: { type: 'integer', minimum: 0 },
    backoff_coefficient: { type: 'number', minimum: 1 },
    max_backoff_ms: { type: 'integer', minimum: 0 },
    non_retryable: { type: 'array', items: { type: 'string' } },
  },
} as const;

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { type: 'string', pattern: STEP_ID_PATTERN },
    description: { type: 'string' },
    action: { type: 'string' },
    sleep_ms: { type: 'integer', minimum: 0 },
    params: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    needs: { type: 'array', items: { type: 'string' } },
    when: { type: 'string' },
    retry,
    timeout_ms: { type: 'integer', minimum: 1 },
    heartbeat_timeout_ms: { type: 'integer', minimum: 0 },
    approval: {
      type: 'object',
      additionalProperties: false,
      required: ['timeout_ms'],
      properties: {
        signal: { type: 'string' },
        timeout_ms: { type: 'integer', minimum: 1 },
      },
    },
    continue_on_failure: { type: 'boolean' },
    on_failure: { enum: ['fail', 'continue', 'compensate'] },
    compensate: { type: 'array', minItems: 1, items: { type: 'string' } },
  },
  oneOf: [{ required: ['action'] }, { required: ['sleep_ms'] }],
} as const;

export const PLAYBOOK_SCHEMA = {
  $id: 'https://omega.dev/schemas/playbook.json',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'steps'],
  properties: {
    id: { type: 'string', pattern: STEP_ID_PATTERN },
    name: { type: 'string' },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    timeout_ms: { type: 'integer', minimum: 0 },
    trigger: {
      type: 'object',
      additionalProperties: false,
      properties: {
        manual: { type: 'boolean' },
        alert: {
          type: 'object',
          additionalProperties: false,
          properties: {
            min_severity: {
              enum: ['informational', 'low', 'medium', 'high', 'critical', 'fatal'],
            },
            rule_ids: { type: 'array', items: { type: 'string' } },
            attack_technique_ids: { type: 'array', items: { type: 'string' } },
            detector_kinds: {
              type: 'array',
              items: { enum: ['rule', 'streaming', 'deception', 'module', 'correlation'] },
            },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    },
    steps: { type: 'array', minItems: 1, items: step },
    on_failure: { type: 'array', items: step },
    compensations: { type: 'array', items: step },
  },
} as const;
