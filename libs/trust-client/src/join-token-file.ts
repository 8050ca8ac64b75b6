// The join-tokens file trust writes at startup (`<kind>/<name> <token> <expires ISO>` lines, mode
// 0600): the local runner's services read their own token from it to enroll.
import type { SubjectKind } from './subject';

/** The token for `<kind>/<name>`, else one minted for `<kind>/*`; undefined when neither is listed. */
export function joinTokenFromFile(
  text: string,
  kind: SubjectKind,
  name: string,
): string | undefined {
  let wildcard: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [spec, token] = line.trim().split(/\s+/);
    if (spec === `${kind}/${name}`) return token;
    if (spec === `${kind}/*`) wildcard ??= token;
  }
  return wildcard;
}
