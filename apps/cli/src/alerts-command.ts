// `omega alerts list|show|watch` and `omega incidents list|show`: the intelligence service's alerts
// and incidents from the terminal, through the gateway (or --intelligence, its own port).
import type { Command } from 'commander';
import {
  Alert,
  AlertFilter,
  GetIncidentResponse,
  IntelligenceServiceClient,
  ListAlertsRequest,
  ListAlertsResponse,
  ListIncidentsRequest,
  ListIncidentsResponse,
  StreamAlertsRequest,
  Severity,
  incidentStatusToJSON,
  severityToJSON,
  type Incident,
  type IntelligenceServiceService,
} from '@omega/proto';
import { Code, OmegaError, type PromiseClient } from '@omega/runtime';
import { positiveInteger } from './cli-io';
import {
  action,
  connect,
  directConnection,
  print,
  printer,
  withConnection,
  withOutput,
  type CommandScope,
  type ConnectionOptions,
  type OutputOptions,
  UsageError,
} from './command-kit';
import { gatewayClient } from './gateway-connection';
import {
  enumLabel,
  isoTime,
  renderList,
  renderMessage,
  renderObject,
  type Column,
} from './output-format';
import type { CellColour } from './status-table';

type IntelligenceClient = PromiseClient<typeof IntelligenceServiceService>;

interface IntelligenceOptions extends ConnectionOptions, OutputOptions {
  intelligence?: string;
}

export const severityName = (s: Severity): string => enumLabel(severityToJSON(s), 'SEVERITY_');
const incidentStatusName = (s: Incident['status']): string =>
  enumLabel(incidentStatusToJSON(s), 'INCIDENT_STATUS_');

export function severityColour(s: Severity): CellColour | undefined {
  if (s >= Severity.SEVERITY_HIGH) return 'red';
  if (s === Severity.SEVERITY_MEDIUM) return 'yellow';
  return undefined;
}

const ALERT_COLUMNS: readonly Column<Alert>[] = [
  { header: 'ID', value: (a) => a.id },
  {
    header: 'SEVERITY',
    value: (a) => severityName(a.severity),
    colour: (a) => severityColour(a.severity),
  },
  { header: 'RULE', value: (a) => a.ruleId },
  { header: 'INCIDENT', value: (a) => a.incidentId || '-' },
  { header: 'TIME', value: (a) => isoTime(a.timeNs) },
  { header: 'TECHNIQUES', value: (a) => a.attackTechniqueIds.join(',') || '-', wide: true },
  { header: 'TITLE', value: (a) => a.title },
];

const INCIDENT_COLUMNS: readonly Column<Incident>[] = [
  { header: 'ID', value: (i) => i.id },
  {
    header: 'SEVERITY',
    value: (i) => severityName(i.severity),
    colour: (i) => severityColour(i.severity),
  },
  { header: 'STATUS', value: (i) => incidentStatusName(i.status) },
  { header: 'ALERTS', value: (i) => String(i.alertIds.length) },
  { header: 'TECHNIQUES', value: (i) => i.attackTechniqueIds.join(',') || '-', wide: true },
  { header: 'WORKFLOWS', value: (i) => i.workflowIds.join(',') || '-', wide: true },
  { header: 'TITLE', value: (i) => i.title },
];

/** `omega alerts ...` and `omega incidents ...`. */
export function registerAlertCommands(program: Command, scope: CommandScope): void {
  const alerts = program.command('alerts').description("intelligence's alerts");
  intelligenceCommand(alerts.command('list'), 'list alerts, newest first')
    .option('--incident <id>', 'only alerts of this incident')
    .option('--technique <id>', 'only alerts mapped to this ATT&CK technique')
    .option('--limit <n>', 'at most this many', positiveInteger, 50)
    .action(
      action(
        scope,
        (options: IntelligenceOptions & { incident?: string; technique?: string; limit: number }) =>
          withIntelligence(scope, options, async (client) => {
            const res = await client.listAlerts(
              ListAlertsRequest.fromPartial({
                filter: alertFilter(options),
                pageSize: options.limit,
              }),
            );
            print(
              scope,
              renderList(
                printer(scope, options),
                res.alerts,
                ALERT_COLUMNS,
                ListAlertsResponse.toJSON(res),
                'no alerts',
              ),
            );
            return 0;
          }),
      ),
    );
  intelligenceCommand(alerts.command('show'), 'one alert with its evidence and explanation')
    .argument('<id>', 'alert id')
    .action(
      action(scope, (id: string, options: IntelligenceOptions) =>
        withIntelligence(scope, options, async (client) => {
          const res = await client.getAlert({ alertId: id });
          if (!res.alert) throw new OmegaError(Code.NotFound, `no alert ${id}`);
          // An alert has no short form: table and wide show the message as JSON too.
          print(scope, [
            renderMessage(options.output === 'yaml' ? 'yaml' : 'json', Alert.toJSON(res.alert)),
          ]);
          return 0;
        }),
      ),
    );
  intelligenceCommand(alerts.command('watch'), 'print alerts as they are raised (Ctrl-C ends)')
    .option('--incident <id>', 'only alerts of this incident')
    .option('--technique <id>', 'only alerts mapped to this ATT&CK technique')
    .option('--since <iso-time>', 'first replay the alerts retained since this time')
    .action(
      action(
        scope,
        (
          options: IntelligenceOptions & { incident?: string; technique?: string; since?: string },
        ) => withIntelligence(scope, options, (client) => watchAlerts(scope, client, options)),
      ),
    );

  const incidents = program
    .command('incidents')
    .description("intelligence's incidents (correlated alerts)");
  intelligenceCommand(incidents.command('list'), 'list incidents')
    .option('--limit <n>', 'at most this many', positiveInteger, 50)
    .action(
      action(scope, (options: IntelligenceOptions & { limit: number }) =>
        withIntelligence(scope, options, async (client) => {
          const res = await client.listIncidents(
            ListIncidentsRequest.fromPartial({ pageSize: options.limit }),
          );
          print(
            scope,
            renderList(
              printer(scope, options),
              res.incidents,
              INCIDENT_COLUMNS,
              ListIncidentsResponse.toJSON(res),
              'no incidents',
            ),
          );
          return 0;
        }),
      ),
    );
  intelligenceCommand(incidents.command('show'), 'one incident and its alerts, oldest first')
    .argument('<id>', 'incident id')
    .action(
      action(scope, (id: string, options: IntelligenceOptions) =>
        withIntelligence(scope, options, async (client) => {
          const res = await client.getIncident({ incidentId: id });
          const incident = res.incident;
          if (!incident) throw new OmegaError(Code.NotFound, `no incident ${id}`);
          print(
            scope,
            renderObject(printer(scope, options), GetIncidentResponse.toJSON(res), () => [
              `${incident.id}: ${incident.title}`,
              `  severity ${severityName(incident.severity)}, status ${incidentStatusName(incident.status)}, ATT&CK ${incident.attackTechniqueIds.join(', ') || '-'}`,
              `  entities: ${incident.entities.map((e) => e.value).join(', ') || '-'}`,
              ...(incident.workflowIds.length > 0
                ? [`  workflows: ${incident.workflowIds.join(', ')}`]
                : []),
              ...(incident.summary ? [`  ${incident.summary}`] : []),
              `  alerts (oldest first):`,
              ...renderList(
                { ...printer(scope, options), format: 'table' },
                res.alerts,
                ALERT_COLUMNS,
                null,
                'no alerts',
              ).map((l) => `    ${l}`),
            ]),
          );
          return 0;
        }),
      ),
    );
}

function alertFilter(options: { incident?: string; technique?: string }): AlertFilter {
  return AlertFilter.fromPartial({
    incidentId: options.incident ?? '',
    attackTechniqueIds: options.technique ? [options.technique] : [],
  });
}

function intelligenceCommand(command: Command, description: string): Command {
  return withOutput(withConnection(command.description(description))).option(
    '--intelligence <host:port>',
    "the intelligence service's own port instead of the gateway",
  );
}

async function withIntelligence(
  scope: CommandScope,
  options: IntelligenceOptions,
  run: (client: IntelligenceClient) => Promise<number>,
): Promise<number> {
  const connection = options.intelligence
    ? await directConnection(options.intelligence, 'intelligence', options.dataDir)
    : await connect(scope, options);
  const client = gatewayClient(IntelligenceServiceClient, connection);
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

/** StreamAlerts until Ctrl-C: each alert as a line (table), a JSON object per line, or a YAML document. */
async function watchAlerts(
  scope: CommandScope,
  client: IntelligenceClient,
  options: IntelligenceOptions & { incident?: string; technique?: string; since?: string },
): Promise<number> {
  let startTimeNs = 0n;
  if (options.since) {
    const ms = Date.parse(options.since);
    if (Number.isNaN(ms)) throw new UsageError(`--since: not a time: '${options.since}'`);
    startTimeNs = BigInt(ms) * 1_000_000n;
  }
  const signal = scope.io.interrupted();
  const stream = client.streamAlerts(
    StreamAlertsRequest.fromPartial({ filter: alertFilter(options), startTimeNs }),
    { signal, timeoutMs: Infinity },
  );
  const out = printer(scope, options);
  try {
    for await (const { alert } of stream) {
      if (!alert) continue;
      if (out.format === 'json') scope.io.out(JSON.stringify(Alert.toJSON(alert)));
      else if (out.format === 'yaml')
        print(scope, ['---', ...renderObject(out, Alert.toJSON(alert), () => [])]);
      else scope.io.out(alertLine(alert));
    }
  } catch (err) {
    if (signal.aborted) return 0;
    throw err;
  }
  return 0;
}

/** One alert on one line, for a stream (a table's widths are not known in advance). */
export function alertLine(alert: Alert): string {
  return [
    isoTime(alert.timeNs),
    alert.id,
    severityName(alert.severity).padEnd(8),
    alert.ruleId,
    `[${alert.attackTechniqueIds.join(', ')}]`,
    alert.title + (alert.incidentId ? `  (${alert.incidentId})` : ''),
  ].join('  ');
}
