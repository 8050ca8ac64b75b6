// Caller-supplied names quoted in error messages are cut to a bounded length (a request may
// carry megabytes in a string field; the message names it without echoing it all).

const MAX_QUOTED = 120;

export function clip(text: string): string {
  return text.length <= MAX_QUOTED
    ? text
    : `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)`;
}
