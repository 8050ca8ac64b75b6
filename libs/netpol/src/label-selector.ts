// metav1.LabelSelector semantics: every matchLabels pair and every matchExpression must hold; an
// empty selector selects everything; NotIn and DoesNotExist also select objects without the key.
import type { LabelSelector, Labels } from './label-schema';

export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const value = Object.hasOwn(labels, req.key) ? labels[req.key] : undefined;
    switch (req.operator) {
      case 'In':
        if (value === undefined || !req.values!.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && req.values!.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/** A stable text for a selector: equal selectors (any key order) give equal keys, for caching. */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const expressions = (selector.matchExpressions ?? [])
    .map((e) => [e.key, e.operator, [...(e.values ?? [])].sort()])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return JSON.stringify([labels, expressions]);
}

/** A short human form, as `kubectl describe` shows selectors: "app=web,tier in (a,b)". */
export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.length === 0 ? '<all>' : parts.join(',');
}
