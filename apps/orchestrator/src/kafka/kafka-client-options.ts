// The kafkajs client settings for a kafka config: brokers, TLS and the SASL login.
import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { KafkaIngestConfig } from './kafka-config';

export function kafkaClientOptions(
  config: KafkaIngestConfig,
): Pick<KafkaConfig, 'clientId' | 'brokers' | 'ssl' | 'sasl'> {
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    ...(config.tls ? { ssl: config.tlsCaFile ? { ca: [readCa(config.tlsCaFile)] } : true } : {}),
    ...(config.saslMechanism ? { sasl: saslOptions(config) } : {}),
  };
}

function saslOptions(config: KafkaIngestConfig): SASLOptions {
  const { saslUsername: username, saslPassword: password } = config;
  switch (config.saslMechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    default:
      return { mechanism: 'scram-sha-512', username, password };
  }
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new OmegaError(Code.FailedPrecondition, `kafka.tlsCaFile ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
