// `omega alerts list|show` and `omega incidents list|show`: the intelligence service's alerts and
// incidents from the terminal (what `omega demo --keep` points to for a closer look).
import { parseArgs } from 'node:util';
import {
  Alert,
  GetAlertRequest,
  GetIncidentRequest,
  IntelligenceServiceClient,
  ListAlertsRequest,
  ListIncidentsRequest,
  incidentStatusToJSON,
  severityToJSON,
} from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { cliChannelCredentials } from './operator-identity';
import { cliErrorMessage } from './unreachable-hint';

export const DEFAULT_INTELLIGENCE = '127.0.0.1:50053';

export const ALERTS_USAGE = `usage: omega alerts list [--incident ID] [--technique T] [--limit N]
       omega alerts show <alert id>
       omega incidents list [--limit N]
       omega incidents show <incident id>
options:
  --intelligence HOST:PORT   intelligence gRPC address (default ${DEFAULT_INTELLIGENCE})
  --data-dir DIR             the stack's state, for its operator credential (default .omega)`;

export interface AlertsIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: AlertsIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const DEADLINE_MS = 15_000;

export async function alertsCommand(
  group: 'alerts' | 'incidents',
  argv: string[],
  io: AlertsIo = defaultIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      intelligence: { type: 'string', default: DEFAULT_INTELLIGENCE },
      'data-dir': { type: 'string' },
      incident: { type: 'string', default: '' },
      technique: { type: 'string' },
      limit: { type: 'string', default: '50' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [sub, id] = positionals;
  if (values.help || !sub || (sub === 'show' && !id)) {
    io.out(ALERTS_USAGE);
    return values.help ? 0 : 2;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) {
    io.err(`omega ${group}: --limit: expected a positive integer, got '${values.limit}'`);
    return 2;
  }
  const credentials = await cliChannelCredentials(values['data-dir'], 'intelligence');
  const client = createPromiseClient(IntelligenceServiceClient, values.intelligence, {
    timeoutMs: DEADLINE_MS,
    ...(credentials ? { credentials } : {}),
  });
  try {
    if (group === 'alerts' && sub === 'list') {
      const res = await client.listAlerts(
        ListAlertsRequest.fromPartial({
          filter: {
            incidentId: values.incident,
            attackTechniqueIds: values.technique ? [values.technique] : [],
          },
          pageSize: limit,
        }),
      );
      for (const alert of res.alerts) io.out(alertRow(alert));
      if (res.alerts.length === 0) io.out('no alerts');
      return 0;
    }
    if (group === 'alerts' && sub === 'show') {
      const res = await client.getAlert(GetAlertRequest.fromPartial({ alertId: id }));
      io.out(JSON.stringify(res.alert ? Alert.toJSON(res.alert) : null, null, 2));
      return 0;
    }
    if (group === 'incidents' && sub === 'list') {
      const res = await client.listIncidents(ListIncidentsRequest.fromPartial({ pageSize: limit }));
      for (const incident of res.incidents) {
        io.out(
          `${incident.id}  ${shortName(severityToJSON(incident.severity))}  ${shortName(incidentStatusToJSON(incident.status))}  ${incident.alertIds.length} alert(s)  ${incident.title}`,
        );
      }
      if (res.incidents.length === 0) io.out('no incidents');
      return 0;
    }
    if (group === 'incidents' && sub === 'show') {
      const res = await client.getIncident(GetIncidentRequest.fromPartial({ incidentId: id }));
      const incident = res.incident;
      if (!incident) {
        io.err(`omega incidents show: no incident ${id}`);
        return 1;
      }
      io.out(`${incident.id}: ${incident.title}`);
      io.out(
        `  severity ${shortName(severityToJSON(incident.severity))}, status ${shortName(incidentStatusToJSON(incident.status))}, ATT&CK ${incident.attackTechniqueIds.join(', ') || '-'}`,
      );
      io.out(`  entities: ${incident.entities.map((e) => e.value).join(', ') || '-'}`);
      if (incident.workflowIds.length > 0)
        io.out(`  workflows: ${incident.workflowIds.join(', ')}`);
      if (incident.summary) io.out(`  ${incident.summary}`);
      io.out(`  alerts (oldest first):`);
      for (const alert of res.alerts) io.out(`    ${alertRow(alert)}`);
      return 0;
    }
    io.err(`omega ${group}: unknown command '${sub}'\n\n${ALERTS_USAGE}`);
    return 2;
  } catch (err) {
    io.err(`omega ${group} ${sub}: intelligence ${values.intelligence}: ${cliErrorMessage(err)}`);
    return 1;
  } finally {
    client.close();
  }
}

function alertRow(alert: Alert): string {
  const time = new Date(Number(alert.timeNs / 1_000_000n)).toISOString();
  return `${time}  ${alert.id}  ${shortName(severityToJSON(alert.severity)).padEnd(8)} ${alert.ruleId}  [${alert.attackTechniqueIds.join(', ')}]  ${alert.title}${alert.incidentId ? `  (${alert.incidentId})` : ''}`;
}

/** `SEVERITY_HIGH` → `high`. */
function shortName(enumName: string): string {
  return enumName.replace(/^[A-Z]+_(STATUS_)?/, '').toLowerCase();
}
