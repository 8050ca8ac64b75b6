// notify: a webhook POST with a Slack-compatible JSON body ({ text, blocks }). The idempotency key
// goes in an Idempotency-Key header so a receiver can drop retries; network errors are retried by
// the step's policy, and an error answer as the one HTTP-status table says: 5xx, 429, 408 and 409
// (a receiver still processing the first request with this key) again, other 4xx not.
import { Code, errorMessage } from '@omega/runtime';
import { ActivityError, type Activity } from '@omega/workflow';
import { optional, required } from './action-params';

export interface SlackMessage {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

export function slackMessage(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function notify(defaultUrl: string | undefined): Activity {
  return async (ctx): Promise<Record<string, string>> => {
    const url = optional(ctx, 'url', defaultUrl ?? '');
    if (!url) {
      throw ActivityError.permanent(
        Code.InvalidArgument,
        `step ${ctx.stepId}: no webhook: set params.url or the orchestrator's notify webhook`,
      );
    }
    const text = required(ctx, 'text');
    if (ctx.dryRun) return { url, dry_run: 'true' };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
        body: JSON.stringify(slackMessage(text)),
        signal: ctx.signal,
      });
    } catch (err) {
      throw ActivityError.transient(Code.Unavailable, `notify ${url}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const body = (await response.text()).slice(0, 200);
    if (!response.ok) {
      throw ActivityError.fromHttpStatus(
        response.status,
        `notify ${url}: HTTP ${response.status}${body ? `: ${body}` : ''}`,
      );
    }
    return { url, status: String(response.status) };
  };
}
