// notify: a webhook POST with a Slack-compatible JSON body ({ text, blocks }). The idempotency key
// goes in an Idempotency-Key header so a receiver can drop retries; 5xx, 429 and network errors
// are retried by the step's policy, other 4xx answers are not.
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
      throw new ActivityError(
        'invalid_argument',
        `step ${ctx.stepId}: no webhook: set params.url or the orchestrator's notify webhook`,
        false,
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
      throw new ActivityError('unavailable', `notify ${url}: ${(err as Error).message}`, true, {
        cause: err,
      });
    }
    const body = (await response.text()).slice(0, 200);
    if (!response.ok) {
      const retryable = response.status >= 500 || response.status === 429;
      throw new ActivityError(
        `http_${response.status}`,
        `notify ${url}: HTTP ${response.status}${body ? `: ${body}` : ''}`,
        retryable,
      );
    }
    return { url, status: String(response.status) };
  };
}
