// Which parts of a principal's permissions a change of its grants can move: a permission bucket
// reads only the grants whose rules name its part's resources (or a wildcard), so when those
// grants are the same, in the same order, before and after, the part's buckets keep their edges.
// An edit of a ClusterRole that admin, edit and view aggregate then recomputes, for every
// principal bound to them, the one part the edit touches instead of all five in every namespace.
import type { PermissionPart } from './edge-producers';
import type { Grant } from './rbac';

/** The resources each part's requests name (edge-producers.ts: permissionEdges and its helpers). */
const PART_RESOURCES: Readonly<Record<PermissionPart, readonly string[]>> = {
  cluster: ['clusterrolebindings', 'clusterroles', 'users', 'groups'],
  secrets: ['secrets'],
  accounts: ['pods', 'serviceaccounts'],
  pods: ['pods'],
  rbac: ['rolebindings', 'clusterroles', 'roles'],
};

const PARTS = Object.keys(PART_RESOURCES) as PermissionPart[];

function reads(grant: Grant, part: PermissionPart): boolean {
  return (grant.rule.resources ?? []).some(
    (r) => r === '*' || r.startsWith('*/') || PART_RESOURCES[part].includes(r.split('/')[0]!),
  );
}

/** Rules are shared by every grant of a role: each is written out once. */
const ruleTexts = new WeakMap<object, string>();

function ruleText(rule: Grant['rule']): string {
  let text = ruleTexts.get(rule);
  if (text === undefined) ruleTexts.set(rule, (text = JSON.stringify(rule)));
  return text;
}

function partGrants(grants: readonly Grant[], part: PermissionPart): string {
  return JSON.stringify(
    grants
      .filter((g) => reads(g, part))
      .map((g) => [ruleText(g.rule), g.namespace ?? null, g.binding, g.role]),
  );
}

/** The parts whose grants differ between `before` and `after` (every part when before is unknown). */
export function movedParts(
  before: readonly Grant[] | undefined,
  after: readonly Grant[],
): Set<PermissionPart> {
  if (before === undefined) return new Set(PARTS);
  return new Set(PARTS.filter((part) => partGrants(before, part) !== partGrants(after, part)));
}

/** The part of a permission bucket key (`perm|principal|ns|part`), or undefined for other keys. */
export function partOf(key: string): PermissionPart | undefined {
  return key.startsWith('perm|')
    ? (key.slice(key.lastIndexOf('|') + 1) as PermissionPart)
    : undefined;
}
