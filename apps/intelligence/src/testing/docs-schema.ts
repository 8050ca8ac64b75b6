// Reads the JSON Schema of alert lines from docs/alert-outputs.md, so the spec checks the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ALERT_OUTPUTS_DOC = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'docs',
  'alert-outputs.md',
);

/** The JSON block between the alert-line-schema markers of the docs page. */
export function documentedAlertLineSchema(): Record<string, unknown> {
  const page = readFileSync(ALERT_OUTPUTS_DOC, 'utf8');
  const block =
    /<!-- alert-line-schema:start -->\n```json\n([\s\S]*?)\n```\n<!-- alert-line-schema:end -->/.exec(
      page,
    );
  if (!block) throw new Error(`${ALERT_OUTPUTS_DOC}: no alert-line-schema block`);
  return JSON.parse(block[1]!) as Record<string, unknown>;
}
