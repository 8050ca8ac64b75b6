import { expositionViolations, metricFamilies } from './metric-naming';

/** An exposition with one family: its TYPE, HELP and sample lines. */
function family(name: string, type: string, samples: string[], help = 'what it counts'): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples, ''].join('\n');
}

describe('the metric naming rule', () => {
  it('accepts Omega families owned by a service or a shared part, and the standard families', () => {
    const text = [
      family('omega_trust_audit_appends_total', 'counter', ['omega_trust_audit_appends_total 3']),
      family('omega_bus_consumer_pending_messages', 'gauge', [
        'omega_bus_consumer_pending_messages{stream="ALERTS",consumer="c",state="pending"} 0',
      ]),
      family('omega_orchestrator_step_duration_seconds', 'histogram', [
        'omega_orchestrator_step_duration_seconds_bucket{le="+Inf",action="block_ip"} 1',
        'omega_orchestrator_step_duration_seconds_count{action="block_ip"} 1',
      ]),
      family('process_cpu_seconds_total', 'counter', ['process_cpu_seconds_total 1.5']),
      family('grpc_server_handled_total', 'counter', [
        'grpc_server_handled_total{grpc_type="unary",grpc_service="s",grpc_method="M",grpc_code="OK"} 1',
      ]),
    ].join('');
    expect(expositionViolations(text)).toEqual([]);
  });

  it('refuses a family no owner claims, with or without omega_', () => {
    const text =
      family('omega_audit_entries', 'gauge', []) + family('audit_log_entries', 'gauge', []);
    const owners =
      '(owner one of trust, sentinel, intelligence, orchestrator, deception, twin, gateway, bus, authz, grpc_server) nor a standard process_*, nodejs_*, grpc_server_* family';
    expect(expositionViolations(text)).toEqual([
      `omega_audit_entries is neither omega_<owner>_… ${owners}`,
      `audit_log_entries is neither omega_<owner>_… ${owners}`,
    ]);
  });

  it('keeps _total for counters, and counters to _total', () => {
    const text =
      family('omega_sentinel_ringbuf_lost_records', 'counter', []) +
      family('omega_sentinel_xdp_dropped_packets_total', 'gauge', []);
    expect(expositionViolations(text)).toEqual([
      'omega_sentinel_ringbuf_lost_records is a counter without _total',
      'omega_sentinel_xdp_dropped_packets_total ends in _total but is a gauge: only counters do',
    ]);
  });

  it('wants base units, durations as histograms, HELP, snake_case and no target labels', () => {
    const text =
      family('omega_twin_sync_ms', 'gauge', []) +
      family('omega_twin_sync_duration_seconds', 'gauge', []) +
      family('omega_twin_objects', 'gauge', [], '') +
      family('omega_twin_Objects', 'gauge', []) +
      family('omega_twin_flows', 'gauge', ['omega_twin_flows{job="x",flowKind="y"} 1']);
    expect(expositionViolations(text)).toEqual([
      'omega_twin_sync_ms uses the unit ms: use seconds, bytes or a ratio',
      'omega_twin_sync_duration_seconds is a duration but a gauge: durations are histograms',
      'omega_twin_objects has no HELP',
      'omega_twin_Objects is not snake_case (lower-case words joined by single underscores)',
      'omega_twin_flows sets the label job, which the scrape attaches (the job names the service)',
      'omega_twin_flows has the label flowKind, which is not snake_case',
    ]);
  });

  it('reads label names from samples, leaving out le and quantile', () => {
    const text = family('omega_trust_audit_batch_appends', 'histogram', [
      'omega_trust_audit_batch_appends_bucket{le="1",kind="a"} 1',
      'omega_trust_audit_batch_appends_sum{kind="a"} 1',
    ]);
    expect([
      ...(metricFamilies(text).get('omega_trust_audit_batch_appends')?.labels ?? []),
    ]).toEqual(['kind']);
  });
});
