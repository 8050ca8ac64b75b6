// `omega workflows list|show|watch|approve|reject|cancel` and `omega playbooks
// validate|put|list`: the orchestrator's API from the terminal (through the gateway, or
// --orchestrator, its own port), with a live view of a workflow.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  DiagnosticSeverity,
  GetWorkflowResponse,
  ListPlaybooksResponse,
  ListWorkflowsResponse,
  OrchestratorServiceClient,
  WorkflowStatus,
  type Workflow,
  type WorkflowEvent,
} from '@omega/proto';
import type { CliIo } from './cli-io';
import {
  action,
  connect,
  directConnection,
  printer,
  withConnection,
  withOutput,
  type CommandScope,
  type ConnectionOptions,
  type OutputOptions,
} from './command-kit';
import { gatewayClient } from './gateway-connection';
import type { OrchestratorClient } from './orchestrator-client';
import { renderMessage, type Printer } from './output-format';
import {
  renderEvent,
  renderHistory,
  renderWorkflow,
  renderWorkflowList,
  workflowStatusName,
} from './workflow-render';

interface OrchestratorOptions extends ConnectionOptions, OutputOptions {
  orchestrator?: string;
}

export function registerWorkflowCommands(program: Command, scope: CommandScope): void {
  const workflows = program.command('workflows').description("the orchestrator's playbook runs");
  orchestratorCommand(workflows.command('list'), 'list workflows')
    .option(
      '--status <s,...>',
      'only these statuses (running, waiting, completed, failed, cancelled, timed_out)',
    )
    .option('--playbook <id>', 'only runs of this playbook')
    .action(
      action(scope, (o: OrchestratorOptions & { status?: string; playbook?: string }) =>
        withOrchestrator(scope, o, (calls) =>
          list(calls, o.status, o.playbook, printer(scope, o), scope.io),
        ),
      ),
    );
  orchestratorCommand(workflows.command('show'), 'one workflow and its steps')
    .argument('<id>', 'workflow id')
    .option('--history', 'also its event history')
    .action(
      action(scope, (id: string, o: OrchestratorOptions & { history?: boolean }) =>
        withOrchestrator(scope, o, (calls) =>
          show(calls, id, o.history === true, printer(scope, o), scope.io),
        ),
      ),
    );
  orchestratorCommand(workflows.command('watch'), 'follow a workflow live; exit 0 if it completes')
    .argument('<id>', 'workflow id')
    .action(
      action(scope, (id: string, o: OrchestratorOptions) =>
        withOrchestrator(scope, o, (calls) => watch(calls, id, scope.io)),
      ),
    );
  for (const signal of ['approve', 'reject'] as const) {
    orchestratorCommand(workflows.command(signal), `${signal} a step waiting for approval`)
      .argument('<id>', 'workflow id')
      .option('--reason <text>', 'why')
      .option('--by <name>', 'who (default: your user name)')
      .action(
        action(scope, (id: string, o: OrchestratorOptions & { reason?: string; by?: string }) =>
          withOrchestrator(scope, o, async (calls) => {
            const payload: Record<string, string> = { by: o.by ?? userInfo().username };
            if (o.reason) payload['reason'] = o.reason;
            const { workflow } = await calls.signalWorkflow({
              workflowId: id,
              signalName: signal,
              payload,
              requestId: randomUUID(),
            });
            scope.io.out(
              `${signal === 'approve' ? 'approved' : 'rejected'} ${id}: now ${workflowStatusName(workflow!.status)}`,
            );
            return 0;
          }),
        ),
      );
  }
  orchestratorCommand(workflows.command('cancel'), 'cancel a workflow')
    .argument('<id>', 'workflow id')
    .option('--reason <text>', 'why')
    .action(
      action(scope, (id: string, o: OrchestratorOptions & { reason?: string }) =>
        withOrchestrator(scope, o, async (calls) => {
          const { workflow } = await calls.cancelWorkflow({
            workflowId: id,
            reason: o.reason || 'cancelled from the CLI',
            requestId: randomUUID(),
          });
          scope.io.out(`cancel requested for ${id}: now ${workflowStatusName(workflow!.status)}`);
          return 0;
        }),
      ),
    );

  const playbooks = program.command('playbooks').description("the orchestrator's playbooks");
  orchestratorCommand(playbooks.command('list'), 'list playbooks')
    .option('--source', 'also print each playbook’s source')
    .action(
      action(scope, (o: OrchestratorOptions & { source?: boolean }) =>
        withOrchestrator(scope, o, (calls) =>
          listPlaybooks(calls, o.source === true, printer(scope, o), scope.io),
        ),
      ),
    );
  for (const verb of ['validate', 'put'] as const) {
    orchestratorCommand(
      playbooks.command(verb),
      verb === 'validate'
        ? 'check playbook files; exit 1 on an error'
        : 'store playbook files (validated first)',
    )
      .argument('<files...>', 'playbook files (YAML)')
      .action(
        action(scope, (files: string[], o: OrchestratorOptions) =>
          withOrchestrator(scope, o, (calls) => checkOrPut(calls, verb, files, scope.io)),
        ),
      );
  }
}

function orchestratorCommand(command: Command, description: string): Command {
  return withOutput(withConnection(command.description(description))).option(
    '--orchestrator <host:port>',
    "the orchestrator's own port instead of the gateway",
  );
}

async function withOrchestrator(
  scope: CommandScope,
  options: OrchestratorOptions,
  run: (calls: OrchestratorClient) => Promise<number>,
): Promise<number> {
  const connection = options.orchestrator
    ? await directConnection(options.orchestrator, 'orchestrator', options.dataDir)
    : await connect(scope, options);
  const calls = gatewayClient(OrchestratorServiceClient, connection);
  try {
    return await run(calls);
  } finally {
    calls.close();
  }
}

async function list(
  calls: OrchestratorClient,
  status: string | undefined,
  playbook: string | undefined,
  out: Printer,
  io: CliIo,
): Promise<number> {
  const statuses = (status ? status.split(',') : []).map((name) => {
    const value =
      WorkflowStatus[`WORKFLOW_STATUS_${name.trim().toUpperCase()}` as keyof typeof WorkflowStatus];
    if (value === undefined)
      throw new Error(
        `--status: unknown status '${name}' (running, waiting, completed, failed, cancelled, timed_out)`,
      );
    return value;
  });
  const res = await calls.listWorkflows({
    statuses,
    playbookId: playbook ?? '',
    incidentId: '',
    alertId: '',
    pageSize: 200,
    pageToken: '',
  });
  const lines =
    out.format === 'json' || out.format === 'yaml'
      ? [renderMessage(out.format, ListWorkflowsResponse.toJSON(res))]
      : renderWorkflowList(res.workflows, io.now(), out.colour);
  for (const line of lines) io.out(line);
  return 0;
}

async function show(
  calls: OrchestratorClient,
  id: string,
  history: boolean,
  out: Printer,
  io: CliIo,
): Promise<number> {
  const response = await calls.getWorkflow({ workflowId: id, includeHistory: history });
  if (out.format === 'json' || out.format === 'yaml') {
    io.out(renderMessage(out.format, GetWorkflowResponse.toJSON(response)));
    return 0;
  }
  for (const line of renderWorkflow(response.workflow!, io.now())) io.out(line);
  if (history) for (const line of ['', ...renderHistory(response.history)]) io.out(line);
  return 0;
}

/** Live view: the workflow redrawn on each change (a terminal), or its events as they come. */
async function watch(calls: OrchestratorClient, id: string, io: CliIo): Promise<number> {
  let latest: Workflow | undefined;
  const events: WorkflowEvent[] = [];
  for await (const update of calls.watchWorkflow({ workflowId: id }, { timeoutMs: Infinity })) {
    latest = update.workflow;
    events.push(...update.events);
    if (io.live) {
      // Clear the screen and redraw: the steps, then the last events.
      io.out(
        '\x1b[2J\x1b[H' +
          [...renderWorkflow(latest!, io.now()), '', ...renderHistory(events).slice(-12)].join(
            '\n',
          ),
      );
    } else {
      const start = events[0]?.timeNs ?? 0n;
      for (const e of update.events) io.out(renderEvent(e, start));
    }
  }
  if (!latest) return 1;
  if (!io.live) for (const line of ['', ...renderWorkflow(latest, io.now())]) io.out(line);
  return latest.status === WorkflowStatus.WORKFLOW_STATUS_COMPLETED ? 0 : 1;
}

async function listPlaybooks(
  calls: OrchestratorClient,
  withSource: boolean,
  out: Printer,
  io: CliIo,
): Promise<number> {
  const res = await calls.listPlaybooks({
    includeDisabled: true,
    includeSource: withSource,
    pageSize: 0,
    pageToken: '',
  });
  if (out.format === 'json' || out.format === 'yaml') {
    io.out(renderMessage(out.format, ListPlaybooksResponse.toJSON(res)));
    return 0;
  }
  for (const p of res.playbooks) {
    io.out(
      `${p.id}@${p.version}${p.enabled ? '' : ' (disabled)'}  ${p.name} — ${p.steps.length} steps`,
    );
    if (withSource) io.out(p.source);
  }
  if (res.playbooks.length === 0) io.out('no playbooks');
  return 0;
}

async function checkOrPut(
  calls: OrchestratorClient,
  verb: 'validate' | 'put',
  files: readonly string[],
  io: CliIo,
): Promise<number> {
  let failed = 0;
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    const { diagnostics } = await calls.validatePlaybook({ source, sourceName: file });
    const errors = diagnostics.filter(
      (d) => d.severity === DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
    );
    for (const d of diagnostics)
      io.err(
        `${d.source}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.message} [${d.code}]`,
      );
    if (errors.length > 0) {
      failed++;
      continue;
    }
    if (verb === 'validate') {
      io.out(`${file}: valid`);
    } else {
      const { playbook, changed } = await calls.putPlaybook({ source, sourceName: file });
      io.out(
        `${file}: ${changed ? 'stored' : 'unchanged'} as ${playbook!.id}@${playbook!.version}`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}
