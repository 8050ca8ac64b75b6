// Routes kafkajs's own log lines into the service's pino logger, one structured event per line.
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '@omega/runtime';

export function kafkajsLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      switch (level) {
        case logLevel.ERROR:
          kafkaLogger.error(fields, message);
          break;
        case logLevel.WARN:
          kafkaLogger.warn(fields, message);
          break;
        case logLevel.INFO:
          kafkaLogger.info(fields, message);
          break;
        default:
          kafkaLogger.debug(fields, message);
      }
    };
}
