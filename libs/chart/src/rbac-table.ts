// The expected-permission table (charts/omega/rbac-expected.yaml) and the API server's answer
// (SelfSubjectRulesReview resource rules) in one comparable shape: resource[.group] → sorted verbs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR } from './chart';

/** `pods`, `deployments.apps`, … → sorted verbs. */
export type Grants = Record<string, string[]>;

export interface ExpectedRbac {
  release: string;
  checkNamespaces: string[];
  /** Service account → `everywhere` or a namespace → grants. */
  serviceAccounts: Record<string, Record<string, Grants>>;
}

export const RBAC_TABLE = join(CHART_DIR, 'rbac-expected.yaml');

/** The table for one value set (`default`, `locked-down`, …). */
export function expectedRbac(valueSet: string): ExpectedRbac {
  const table = parse(readFileSync(RBAC_TABLE, 'utf8')) as Record<string, ExpectedRbac>;
  const entry = table[valueSet];
  if (!entry) throw new Error(`${RBAC_TABLE} has no section '${valueSet}'`);
  return entry;
}

/** What the table says `serviceAccount` may do in `namespace`: its cluster-wide and local grants. */
export function expectedGrants(
  table: ExpectedRbac,
  serviceAccount: string,
  namespace: string,
): Grants {
  const entry = table.serviceAccounts[serviceAccount] ?? {};
  return mergeGrants(entry['everywhere'] ?? {}, entry[namespace] ?? {});
}

function mergeGrants(...all: Grants[]): Grants {
  const merged: Record<string, Set<string>> = {};
  for (const grants of all) {
    for (const [resource, verbs] of Object.entries(grants)) {
      for (const verb of verbs) (merged[resource] ??= new Set()).add(verb);
    }
  }
  return sortGrants(merged);
}

function sortGrants(grants: Record<string, Set<string>>): Grants {
  return Object.fromEntries(
    Object.keys(grants)
      .sort()
      .map((r) => [r, [...(grants[r] ?? [])].sort()]),
  );
}

/** One resource rule of a SelfSubjectRulesReview. */
export interface ResourceRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * Resource rules flattened to resource[.group] → verbs, minus `baseline` (what any service account
 * with no bindings gets). A rule limited to resourceNames is kept as `resource[.group]/name`.
 */
export function grantsFromRules(rules: readonly ResourceRule[], baseline: Grants = {}): Grants {
  const grants: Record<string, Set<string>> = {};
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? ['']) {
      for (const resource of rule.resources ?? []) {
        const base = group === '' ? resource : `${resource}.${group}`;
        const keys = rule.resourceNames?.length
          ? rule.resourceNames.map((n) => `${base}/${n}`)
          : [base];
        for (const key of keys) {
          for (const verb of rule.verbs) {
            if (!(baseline[key] ?? []).includes(verb)) (grants[key] ??= new Set()).add(verb);
          }
        }
      }
    }
  }
  return sortGrants(grants);
}
