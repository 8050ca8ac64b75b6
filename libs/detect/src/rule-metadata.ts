// Rule metadata Omega derives: OCSF severity from the Sigma level, ATT&CK ids from tags.
import type { SigmaLevel } from './sigma-rule';

/** OCSF severity_id per Sigma level (OCSF: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical). */
export const SEVERITY_BY_LEVEL: Readonly<Record<SigmaLevel, number>> = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
};

export const SIGMA_LEVELS: readonly SigmaLevel[] = [
  'informational',
  'low',
  'medium',
  'high',
  'critical',
];

const TECHNIQUE_TAG = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i;

/** ATT&CK technique ids from Sigma tags: `attack.t1059.004` → `T1059.004`; other tags are skipped. */
export function attackTechniquesFromTags(tags: readonly string[]): string[] {
  const ids: string[] = [];
  for (const tag of tags) {
    const match = TECHNIQUE_TAG.exec(tag.trim());
    if (!match) continue;
    const id = match[2] ? `T${match[1]}.${match[2]}` : `T${match[1]}`;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}
