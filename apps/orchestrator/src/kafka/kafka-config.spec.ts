import { loadConfig } from '@omega/runtime';
import { z } from 'zod';
import { kafkaIngestConfigSchema, kafkaIngestEnabled } from './kafka-config';
import { kafkaClientOptions } from './kafka-client-options';

const schema = z.strictObject({ kafka: kafkaIngestConfigSchema });
const load = (env: Record<string, string>) => loadConfig(schema, { env, argv: [] }).kafka;

describe('kafka ingest config', () => {
  it('is off until brokers are set', () => {
    const config = load({});
    expect(kafkaIngestEnabled(config)).toBe(false);
    expect(config.topic).toBe('omega-task-requests');
  });

  it('reads OMEGA_KAFKA_* variables', () => {
    const config = load({
      OMEGA_KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
      OMEGA_KAFKA_TOPIC: 'soc.requests',
      OMEGA_KAFKA_GROUP_ID: 'omega',
      OMEGA_KAFKA_DLQ_TOPIC: 'soc.requests.dlq',
      OMEGA_KAFKA_MAX_IN_FLIGHT: '16',
      OMEGA_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      OMEGA_KAFKA_SASL_USERNAME: 'omega',
      OMEGA_KAFKA_SASL_PASSWORD: 's3cret',
      OMEGA_KAFKA_TLS: 'true',
    });
    expect(kafkaIngestEnabled(config)).toBe(true);
    expect(config).toEqual(
      expect.objectContaining({
        brokers: ['kafka-0:9092', 'kafka-1:9092'],
        topic: 'soc.requests',
        groupId: 'omega',
        dlqTopic: 'soc.requests.dlq',
        maxInFlight: 16,
      }),
    );
    expect(kafkaClientOptions(config)).toEqual({
      clientId: 'omega-orchestrator',
      brokers: ['kafka-0:9092', 'kafka-1:9092'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'omega', password: 's3cret' },
    });
  });

  it('names the setting when a SASL mechanism comes without a password', () => {
    expect(() =>
      load({ OMEGA_KAFKA_SASL_MECHANISM: 'plain', OMEGA_KAFKA_SASL_USERNAME: 'omega' }),
    ).toThrow(/kafka\.saslPassword: required.*OMEGA_KAFKA_SASL_PASSWORD/);
  });

  it('refuses a broker address without a port, naming the list entry', () => {
    expect(() => load({ OMEGA_KAFKA_BROKERS: 'kafka-0:9092,kafka-1' })).toThrow(
      /kafka\.brokers\[1\]: .*got "kafka-1" \(env OMEGA_KAFKA_BROKERS\)/,
    );
  });

  it('says what is wrong with a missing CA file', () => {
    const config = load({
      OMEGA_KAFKA_TLS: 'true',
      OMEGA_KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem',
    });
    expect(() => kafkaClientOptions(config)).toThrow(
      /kafka\.tlsCaFile \/nonexistent\/ca\.pem: ENOENT/,
    );
  });
});
