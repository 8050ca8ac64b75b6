// Which Omega events a rule's logsource selects, or the named reason it cannot select any.
import {
  SIGMA_LOGSOURCE_MAPPINGS,
  UNSUPPORTED_CATEGORIES,
  type SigmaLogsourceMapping,
} from './field-mapping';
import type { SigmaRule } from './sigma-rule';
import { unsupportedFeature } from './sigma-rule-error';

/** Resolves a rule's logsource to a category mapping; throws Code.Unimplemented with the reason. */
export function resolveLogsource(rule: SigmaRule): SigmaLogsourceMapping {
  const { category, product, service } = rule.logsource;
  const pos = rule.pos;
  if (product !== undefined && product.toLowerCase() !== 'linux') {
    throw unsupportedFeature(`logsource product ${product}: Omega observes Linux nodes only`, pos);
  }
  if (service !== undefined) {
    throw unsupportedFeature(
      `logsource service ${service}: Omega events carry no ${service} records`,
      pos,
    );
  }
  if (category === undefined) {
    throw unsupportedFeature(
      'logsource without category or service (raw Linux log lines): Omega events carry no log lines',
      pos,
    );
  }
  const reason = UNSUPPORTED_CATEGORIES.get(category);
  if (reason) throw unsupportedFeature(`logsource category ${category}: ${reason}`, pos);
  const mapping = SIGMA_LOGSOURCE_MAPPINGS.get(category);
  if (!mapping) {
    throw unsupportedFeature(
      `logsource category ${category}: no mapping onto Omega events (mapped: ${[...SIGMA_LOGSOURCE_MAPPINGS.keys()].join(', ')})`,
      pos,
    );
  }
  return mapping;
}
