// Prometheus metrics of the intelligence service, on the service's registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface IntelligenceMetrics {
  /**
   * Events examined, by telemetry kind (process, file, kernel, kernel_extension, network, dns,
   * deception, other).
   */
  events: Counter<'kind'>;
  /** Alerts published (JetStream duplicates not counted), by severity name. */
  alerts: Counter<'severity'>;
  /** Repeats of a (rule, entity) within the suppression window, not published. */
  suppressed: Counter;
  /**
   * Telemetry batches by outcome: `verified`, `unsigned-admitted` (by the allow-unsigned policy) or
   * the reason it was rejected (`forged`, `unknown-key`, `expired`, `replayed`, ...).
   */
  batches: Counter<'outcome'>;
  /** Audit-log appends of alerts by outcome: appended, retried, refused. */
  auditAppends: Counter<'outcome'>;
  /** Incidents opened, by the severity of the alert that opened them. */
  incidents: Counter<'severity'>;
  /** ALERTS messages a read skipped because they are not alerts (counted by each read). */
  unreadableAlerts: Counter;
  /** Stored rule overlays (`omega_policy` detection.rules) skipped because they are malformed. */
  policyEntriesRejected: Counter;
  /**
   * Events each rule or detector matched (`sigma:<id>`, `detector:<name>`), suppressed repeats
   * included: one series per rule, and the rule set is bounded (shipped pack, rule directories,
   * LoadRules).
   */
  ruleMatches: Counter<'rule_id'>;
  /** Reloads of the rule directories by outcome: applied, rejected (the rules before stay). */
  ruleReloads: Counter<'outcome'>;
  /**
   * 1 for each rule file the last reload of the rule directories rejected, with where and why;
   * no series when every file loaded (one per broken file at most).
   */
  ruleFilesRejected: Gauge<'file' | 'line' | 'reason'>;
  /** Lua rule script faults (error, budget, memory), by rule id and reason. */
  luaFaults: Counter<'rule' | 'reason'>;
}

export function intelligenceMetrics(registry: Registry): IntelligenceMetrics {
  return {
    events: new Counter({
      name: 'omega_intelligence_events_total',
      help: 'Telemetry events run through the rules and detectors, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'omega_intelligence_alerts_total',
      help: 'Alerts published to ALERTS (not counting JetStream duplicates), by severity',
      labelNames: ['severity'],
      registers: [registry],
    }),
    suppressed: new Counter({
      name: 'omega_intelligence_alerts_suppressed_total',
      help: 'Repeats of the same rule and entity within the suppression window, not published',
      registers: [registry],
    }),
    batches: new Counter({
      name: 'omega_intelligence_batches_total',
      help: 'Telemetry batches by outcome: verified, unsigned-admitted (by policy) or the rejection reason (unsigned when refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    auditAppends: new Counter({
      name: 'omega_intelligence_audit_appends_total',
      help: 'Alerts appended to the trust audit log, by outcome: appended, retried (trust unavailable or failing), refused',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    incidents: new Counter({
      name: 'omega_intelligence_incidents_total',
      help: 'Incidents opened (alerts correlated by shared entities), by the severity of the alert that opened each',
      labelNames: ['severity'],
      registers: [registry],
    }),
    unreadableAlerts: new Counter({
      name: 'omega_intelligence_unreadable_alerts_total',
      help: 'ALERTS messages skipped by a read (list, get, stream) because they do not decode as an alert; each read that meets one counts it',
      registers: [registry],
    }),
    policyEntriesRejected: new Counter({
      name: 'omega_intelligence_policy_entries_rejected_total',
      help: 'Stored rule overlays (omega_policy detection.rules) skipped because they are malformed; the rules applied before stay',
      registers: [registry],
    }),
    ruleMatches: new Counter({
      name: 'omega_intelligence_rule_matches_total',
      help: 'Events each rule or detector matched (suppressed repeats included), by rule id (sigma:<id>, detector:<name>)',
      labelNames: ['rule_id'],
      registers: [registry],
    }),
    ruleReloads: new Counter({
      name: 'omega_intelligence_rule_reloads_total',
      help: 'Reloads of the rule directories (intelligence.customRulesDirs) by outcome: applied, or rejected with the rules before kept',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ruleFilesRejected: new Gauge({
      name: 'omega_intelligence_rule_file_rejected',
      help: 'Rule files the last reload of the rule directories rejected (1 each), with the file, line and reason; none when all loaded',
      labelNames: ['file', 'line', 'reason'],
      registers: [registry],
    }),
    luaFaults: new Counter({
      name: 'omega_intelligence_lua_faults_total',
      help: 'Lua rule script calls that faulted, by rule id and reason: error, budget (instructions), memory (cap); each resets the script, maxFaults disable it',
      labelNames: ['rule', 'reason'],
      registers: [registry],
    }),
  };
}
