// The Kafka test broker's SASL_PLAINTEXT listener: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for a
// fixed set of users (PLAIN users in the listener's JAAS line, SCRAM users written at format time).
import { Code, OmegaError } from '@omega/runtime';

const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** The SASL_PLAINTEXT listener's properties and the format arguments creating SCRAM users. */
export function saslProperties(
  port: number,
  users: Record<string, string>,
): { listener: string; properties: Record<string, string>; scramArgs: string[] } {
  const entries = Object.entries(users);
  for (const [name, password] of entries) {
    // Both end up inside JAAS strings and StorageTool's [name=..,password=..] syntax unquoted.
    if (!/^[\w.-]+$/.test(name) || !/^[\w.-]+$/.test(password)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `kafka test broker: SASL user ${JSON.stringify(name)}: names and passwords are limited to ` +
          `letters, digits, '_', '.' and '-'`,
      );
    }
  }
  const plainUsers = entries.map(([name, password]) => `user_${name}="${password}"`).join(' ');
  return {
    listener: `SASL_PLAINTEXT://127.0.0.1:${port}`,
    properties: {
      'sasl.enabled.mechanisms': SASL_MECHANISMS.join(','),
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    },
    scramArgs: entries.flatMap(([name, password]) =>
      ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
        '--add-scram',
        `${mechanism}=[name=${name},password=${password}]`,
      ]),
    ),
  };
}
