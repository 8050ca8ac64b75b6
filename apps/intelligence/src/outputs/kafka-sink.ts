// The Kafka output: one OCSF Detection Finding per alert to a topic, keyed by the alert id (a
// retried send lands in the same partition), acknowledged by all in-sync replicas. kafkajs's own
// retries are off: the output's queue owns retries, backoff and the attempt's timeout.
import { readFile } from 'node:fs/promises';
import type { Alert } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { Kafka, logLevel, type Producer, type SASLOptions } from 'kafkajs';
import { ocsfFinding } from './ocsf-finding';
import type { AlertSink } from './output-queue';
import type { OutputConfigOf } from './outputs-config';
import { MAX_BODY_BYTES } from './http-sink';
import { tokenSource } from './secret-source';

export function kafkaSink(
  output: OutputConfigOf<'kafka'>,
  env: NodeJS.ProcessEnv = process.env,
): AlertSink {
  const where = `output ${output.name} (Kafka topic ${output.topic})`;
  const password = output.sasl
    ? tokenSource(
        { tokenFile: output.sasl.passwordFile, tokenEnv: output.sasl.passwordEnv },
        `output ${output.name}: SASL password`,
        env,
      )
    : undefined;
  let producer: Promise<Producer> | undefined;
  const connect = async (): Promise<Producer> => {
    const ca = output.tls?.caFile ? [await readFile(output.tls.caFile, 'utf8')] : undefined;
    const sasl: SASLOptions | undefined =
      output.sasl && password
        ? ({
            mechanism: output.sasl.mechanism,
            username: output.sasl.username,
            password: (await password())!,
          } as SASLOptions)
        : undefined;
    const kafka = new Kafka({
      clientId: 'omega-intelligence',
      brokers: output.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: output.timeoutMs,
      requestTimeout: output.timeoutMs,
      retry: { retries: 0 },
      ...(output.tls ? { ssl: ca ? { ca } : true } : {}),
      ...(sasl ? { sasl } : {}),
    });
    const created = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await created.connect();
    return created;
  };
  return {
    async send(alert: Alert, signal: AbortSignal) {
      const value = JSON.stringify(ocsfFinding(alert));
      if (Buffer.byteLength(value) > MAX_BODY_BYTES) {
        throw new OmegaError(
          Code.InvalidArgument,
          `${where}: alert ${alert.id} serializes to over ${MAX_BODY_BYTES} bytes`,
        );
      }
      const attempt = (async () => {
        const connected = await (producer ??= connect());
        await connected.send({
          topic: output.topic,
          acks: -1,
          timeout: output.timeoutMs,
          messages: [{ key: alert.id, value, headers: { 'content-type': 'application/json' } }],
        });
      })();
      try {
        await abortable(attempt, signal, where);
      } catch (err) {
        // A failed connect is forgotten so the next attempt connects afresh.
        const failed = producer;
        producer = undefined;
        void failed?.then((p) => p.disconnect()).catch(() => undefined);
        if (err instanceof OmegaError) throw err;
        throw new OmegaError(kafkaCode(err), `${where}: ${errorMessage(err)}`, { cause: err });
      }
    },
    async close() {
      const open = producer;
      producer = undefined;
      await open?.then((p) => p.disconnect()).catch(() => undefined);
    },
  };
}

/** A kafkajs protocol error the broker will repeat (authorization, a message too large) is permanent. */
function kafkaCode(err: unknown): Code {
  const e = err as { name?: string; retriable?: boolean };
  if (e.name === 'KafkaJSProtocolError' && e.retriable === false) return Code.FailedPrecondition;
  return Code.Unavailable;
}

function abortable<T>(work: Promise<T>, signal: AbortSignal, where: string): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new OmegaError(Code.DeadlineExceeded, `${where}: send cut off`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new OmegaError(Code.DeadlineExceeded, `${where}: send timed out or cut off`));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
