// The HTTP transport of the webhook-style outputs (falcosidekick, OCSF webhook, Alertmanager): one
// POST of a JSON body per alert, bearer token from a file or the environment, the attempt's
// timeout, and the answer read as the one HTTP-status table says (retried or not).
import type { Alert } from '@omega/proto';
import { Code, OmegaError, codeForHttpStatus, errorMessage } from '@omega/runtime';
import type { AlertSink } from './output-queue';
import { tokenSource, type TokenSourceConfig } from './secret-source';

/** Largest request body an output sends. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most of an error answer quoted in an error message. */
const QUOTED_ANSWER_CHARS = 200;

export interface HttpSinkOptions extends TokenSourceConfig {
  /** Output name, for messages. */
  name: string;
  url: string;
  /** The JSON body for one alert. */
  body: (alert: Alert) => unknown;
  env?: NodeJS.ProcessEnv;
}

export function httpSink(options: HttpSinkOptions): AlertSink {
  const where = `output ${options.name} (${options.url})`;
  const token = tokenSource(options, `output ${options.name}`, options.env);
  return {
    async send(alert, signal) {
      const body = JSON.stringify(options.body(alert));
      if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
        throw new OmegaError(
          Code.InvalidArgument,
          `${where}: alert ${alert.id} serializes to over ${MAX_BODY_BYTES} bytes`,
        );
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'omega-intelligence',
        // A receiver may drop a retried delivery by it.
        'idempotency-key': `alert:${alert.id}`,
      };
      const bearer = await token();
      if (bearer) headers['authorization'] = `Bearer ${bearer}`;
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers,
          body,
          signal,
          redirect: 'manual',
        });
      } catch (err) {
        const code = signal.aborted ? Code.DeadlineExceeded : Code.Unavailable;
        throw new OmegaError(code, `${where}: ${errorMessage(err)}`, { cause: err });
      }
      const answer = await answerStart(response);
      if (response.status < 200 || response.status > 299) {
        throw new OmegaError(
          codeForHttpStatus(response.status),
          `${where}: HTTP ${response.status}${answer ? `: ${answer}` : ''}`,
        );
      }
    },
    close: async () => undefined,
  };
}

/** The first QUOTED_ANSWER_CHARS of an answer's body, never reading more than that (a body may be huge). */
async function answerStart(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < QUOTED_ANSWER_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The body is only quoted in a message: a broken one quotes as far as it got.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, QUOTED_ANSWER_CHARS);
}
