// The attacks of bench/hostile, per service: what every gRPC service gets (oversized, compressed
// and malformed requests, connection floods), and intelligence's and the sentinel's own. Each runs
// inside `measure`, which probes the service around it and records the row.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MiB,
  TRUNCATED_MESSAGE,
  gzipBomb,
  idleFlood,
  rawUnary,
  unknownFieldOf,
} from './attacks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const grpc = require('@grpc/grpc-js');
const { createPromiseClient } = require('@omega/runtime');
const { eventFromSigmaFields } = require('@omega/detect');
const proto = require('@omega/proto');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A Sigma rule whose wildcard value makes a backtracking matcher explode on long runs of 'a'. */
const WILDCARD_RULE = `title: hostile wildcard
id: 9a0f6a51-3f1d-4c55-9c38-8b8a3e2f0d11
status: experimental
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    CommandLine: '*a*a*a*a*a*a*a*a*b'
  condition: selection
level: low
`;

/**
 * The attacks against the services of `stack`, each run through `measure(service, attack, run)`;
 * `log` holds the stack's output lines (refusals are logged there), `connections` and `churn` size
 * the floods and the StreamAlerts churn.
 */
export function serviceAttacks({ stack, measure, log, connections: CONNECTIONS, churn: CHURN }) {
  const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));
  const describeStatus = (s) =>
    typeof s.code === 'number'
      ? `${CODE_NAMES[s.code] ?? s.code}: ${s.message}`
      : `${s.code}: ${s.message}`;

  const API = {
    gateway: { service: 'omega.v1.GatewayService', method: 'GetServerInfo' },
    trust: { service: 'omega.v1.TrustService', method: 'GetIdentity' },
    intelligence: { service: 'omega.v1.IntelligenceService', method: 'TestRules' },
    orchestrator: { service: 'omega.v1.OrchestratorService', method: 'ValidatePlaybook' },
    deception: { service: 'omega.v1.DeceptionService', method: 'ListDecoys' },
    twin: { service: 'omega.v1.TwinService', method: 'GetGraph' },
    sentinel: { service: 'omega.v1.SentinelService', method: 'GetStatus' },
  };
  const pathOf = (name) => `/${API[name].service}/${API[name].method}`;

  async function metricOf(name, metric) {
    const text = await (
      await fetch(`http://127.0.0.1:${stack.portsOf(name).httpPort}/metrics`)
    ).text();
    const out = {};
    for (const line of text.split('\n')) {
      if (line.startsWith(metric)) {
        const [key, value] = line.split(/ (?=[^ ]+$)/);
        out[key] = Number(value);
      }
    }
    return out;
  }

  // Built once, before any probe window, so that building them takes no CPU from a measured service.
  const HUNDRED_MIB = unknownFieldOf(100 * MiB);
  const GZIP_BOMB = gzipBomb();

  /** The attacks every service gets: oversized, compressed-oversized and malformed requests, floods. */
  async function commonAttacks(name, { hundredMiB } = {}) {
    const port = stack.portsOf(name).grpcPort;
    await measure(name, `100 MiB request (${API[name].method})`, async () =>
      describeStatus(await rawUnary(port, pathOf(name), hundredMiB ?? HUNDRED_MIB)),
    );
    await measure(
      name,
      `gzip bomb: 100 MiB of zeros in ${Math.round(GZIP_BOMB.length / 1024)} KiB`,
      async () =>
        describeStatus(await rawUnary(port, pathOf(name), GZIP_BOMB, { compressed: true })),
    );
    await measure(name, 'malformed protobuf (truncated field)', async () =>
      describeStatus(await rawUnary(port, pathOf(name), TRUNCATED_MESSAGE)),
    );
    const prefix = 'omega_grpc_server_connections_';
    const floodOutcome = async (flood, before) => {
      const after = await metricOf(name, prefix);
      const delta = Object.entries(after)
        .filter(([k]) => k.includes('_total'))
        .map(([k, v]) => `${k.slice(prefix.length).replace('_total', '')} +${v - (before[k] ?? 0)}`)
        .join(', ');
      const logged = log.find(
        (l) =>
          l.startsWith(name) &&
          (l.includes('refused a connection') || l.includes('had sent nothing')) &&
          !seenLogLines.has(l),
      );
      if (logged) seenLogLines.add(logged);
      return (
        `${flood.attempts} attempts from ${flood.sourceAddresses} addresses: ${flood.admitted} open after the last attempt, ` +
        `${flood.closedByServer} closed by the server, ${flood.connectErrors} connect errors` +
        (flood.firstConnectError ? ` (${flood.firstConnectError})` : '') +
        `; ${prefix}*_total: ${delta || 'none'}` +
        (logged ? `; log: "${/grpc: [^"]*?(?= peer=|$)/.exec(logged)?.[0] ?? logged}"` : '')
      );
    };
    const flood = (attack, options) =>
      measure(name, attack, async () => {
        const before = await metricOf(name, prefix);
        return floodOutcome(await idleFlood(port, options), before);
      });
    await flood('silent flood, one address (1,000 attempts, held 2 s)', {
      attempts: 1_000,
      perAddress: 1_000,
      holdMs: 2_000,
    });
    const n = CONNECTIONS.toLocaleString('en-US');
    await flood(`silent flood, ${n} attempts, 50 per address (held 3 s)`, {
      attempts: CONNECTIONS,
      perAddress: 50,
      holdMs: 3_000,
    });
    await flood(`HTTP/2-greeting flood, ${n} attempts, 50 per address (held 3 s)`, {
      attempts: CONNECTIONS,
      perAddress: 50,
      holdMs: 3_000,
      greet: true,
    });
  }
  const seenLogLines = new Set();

  // ---- intelligence ----
  function processEvent(id, commandLine) {
    const event = eventFromSigmaFields('process_creation', {
      Image: '/bin/sh',
      CommandLine: commandLine,
      'omega.pod': 'p',
    });
    event.id = id;
    event.timeNs = 1_700_000_000_000_000_000n;
    return event;
  }
  const wildcardRequest = (events, chars) => ({
    sources: [
      {
        name: 'hostile.yml',
        format: proto.RuleFormat.RULE_FORMAT_SIGMA_YAML,
        content: WILDCARD_RULE,
      },
    ],
    events: Array.from({ length: events }, (_, i) => processEvent(`e${i}`, 'a'.repeat(chars))),
  });
  // The promise client's errors already name the code, the method and the address.
  const errorText = (err) =>
    err.details !== undefined ? `${CODE_NAMES[err.code] ?? err.code}: ${err.details}` : err.message;

  async function intelligenceAttacks() {
    const name = 'intelligence';
    const address = `127.0.0.1:${stack.portsOf(name).grpcPort}`;
    const client = createPromiseClient(proto.IntelligenceServiceClient, address, {
      timeoutMs: 120_000,
    });
    const long = wildcardRequest(1_000, 3_000);
    const many = wildcardRequest(10_000, 350);
    const tooMany = wildcardRequest(60_000, 8);
    const tooManyBytes = proto.TestRulesRequest.encode(tooMany).finish().length;
    // Field 2 (events) with length 0, two million times: 4 MB on the wire, 2,000,000 Events decoded.
    const emptyEvents = Buffer.alloc(2 * 2_000_000);
    for (let i = 0; i < emptyEvents.length; i += 2) emptyEvents[i] = (2 << 3) | 2;
    await measure(
      name,
      `TestRules '*a*a*a*a*a*a*a*a*b' over 1,000 events of 3,000-char command lines`,
      async () => {
        const res = await client.testRules(long);
        if (!res.valid) {
          const why = res.diagnostics.map((d) => `${d.source}:${d.line}: ${d.message}`).join('; ');
          return `the rule did not compile, so nothing was matched: ${why}`;
        }
        return `answered: ${res.matches.length} matches`;
      },
    );
    await measure(
      name,
      `TestRules with 60,000 events (${(tooManyBytes / MiB).toFixed(1)} MiB)`,
      async () => {
        try {
          const res = await client.testRules(tooMany);
          return `ACCEPTED: ${res.matches.length} matches`;
        } catch (err) {
          return errorText(err);
        }
      },
    );
    await measure(
      name,
      `4 concurrent TestRules, '*a*a*a*a*a*a*a*a*b' over 10,000 events of 350 chars`,
      async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, () => client.testRules(many)),
        );
        const answered = results.filter((r) => r.status === 'fulfilled').length;
        const refused = results
          .filter((r) => r.status === 'rejected')
          .map((r) => errorText(r.reason));
        return `${answered} answered, ${refused.length} refused${refused.length > 0 ? ` (${refused[0]})` : ''}`;
      },
    );
    const TestRulesRequest = proto.TestRulesRequest;
    const hundred = Buffer.from(
      TestRulesRequest.encode({
        sources: [],
        events: [processEvent('big', 'a'.repeat(100 * MiB))],
      }).finish(),
    );
    await commonAttacks(name, { hundredMiB: hundred });
    await measure(
      name,
      `StreamAlerts open/close churn (${CHURN.toLocaleString('en-US')} calls, 50 at a time)`,
      async () => {
        const consumers = async () =>
          (await (await fetch(`${stack.natsMonitorUrl}/jsz?consumers=true`)).json()).consumers;
        const baseline = await consumers();
        let peak = baseline;
        const errors = [];
        for (let done = 0; done < CHURN; done += 50) {
          const calls = Array.from({ length: Math.min(50, CHURN - done) }, () => {
            const call = client.grpcClient.streamAlerts(proto.StreamAlertsRequest.fromPartial({}));
            call.on('error', (err) => {
              if (err.code !== grpc.status.CANCELLED) errors.push(errorText(err));
            });
            call.on('data', () => {});
            return call;
          });
          await sleep(100);
          if (done % 500 === 0) peak = Math.max(peak, await consumers());
          for (const call of calls) call.cancel();
        }
        let after = await consumers();
        const deadline = Date.now() + 15_000;
        while (after > baseline && Date.now() < deadline) {
          await sleep(250);
          after = await consumers();
        }
        return (
          `NATS consumers (/jsz): ${baseline} before, ${peak} at most while open, ${after} after` +
          (after > baseline ? ' — NOT BACK TO BASELINE within 15 s' : ' (back to baseline)') +
          (errors.length > 0 ? `; ${errors.length} calls failed: ${errors[0]}` : '')
        );
      },
    );
    // Last: the memory it takes stays with the process (RSS seldom shrinks), and would be counted
    // in the windows after it.
    await measure(name, 'TestRules with 2,000,000 empty events (4 MB)', async () =>
      describeStatus(await rawUnary(stack.portsOf(name).grpcPort, pathOf(name), emptyEvents)),
    );
    client.close();
  }

  // ---- sentinel ----
  async function sentinelAttacks() {
    const name = 'sentinel';
    const client = createPromiseClient(
      proto.SentinelServiceClient,
      `127.0.0.1:${stack.portsOf(name).grpcPort}`,
      { timeoutMs: 30_000 },
    );
    const replay = (path) => async () => {
      try {
        const res = await client.replayPcap(
          proto.ReplayPcapRequest.fromPartial({ source: { $case: 'path', value: path } }),
        );
        return `ACCEPTED: ${JSON.stringify(res, (k, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)}`;
      } catch (err) {
        return errorText(err);
      }
    };
    await measure(name, 'ReplayPcap path=/dev/zero', replay('/dev/zero'));
    await measure(
      name,
      'ReplayPcap path=/etc/passwd (outside the replay directory)',
      replay('/etc/passwd'),
    );
    await measure(
      name,
      'ReplayPcap path=../../../etc/passwd (relative escape)',
      replay('../../../etc/passwd'),
    );
    client.close();
    await commonAttacks(name);
  }

  /** Every attack that applies to `name`, in turn. */
  return async function attack(name) {
    if (name === 'intelligence') await intelligenceAttacks();
    else if (name === 'sentinel') await sentinelAttacks();
    else await commonAttacks(name);
  };
}
