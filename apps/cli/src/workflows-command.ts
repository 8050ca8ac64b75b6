// `omega workflows list|show|watch|approve|reject|cancel` and `omega playbooks
// validate|put|list`: the orchestrator's API from the terminal, with a live view of a workflow.
import { cliChannelCredentials } from './operator-identity';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  DiagnosticSeverity,
  WorkflowStatus,
  type Workflow,
  type WorkflowEvent,
} from '@omega/proto';
import {
  DEFAULT_ORCHESTRATOR,
  orchestratorClient,
  type OrchestratorClient,
} from './orchestrator-client';
import {
  renderEvent,
  renderHistory,
  renderWorkflow,
  renderWorkflowList,
  workflowStatusName,
} from './workflow-render';
import { cliErrorMessage } from './unreachable-hint';

export const WORKFLOWS_USAGE = `usage: omega workflows list [--status S,...] [--playbook ID]
       omega workflows show <id> [--history]
       omega workflows watch <id>
       omega workflows approve|reject <id> [--reason TEXT] [--by NAME]
       omega workflows cancel <id> [--reason TEXT]
       omega playbooks list [--source]
       omega playbooks validate <file.yml>...
       omega playbooks put <file.yml>...
options:
  --orchestrator HOST:PORT   orchestrator gRPC address (default ${DEFAULT_ORCHESTRATOR})
  --data-dir DIR             the stack's state, for its operator credential (default .omega)`;

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Redraw in place (a terminal); otherwise each update is appended as lines. */
  live: boolean;
  now: () => number;
}

const defaultIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  live: process.stdout.isTTY === true,
  now: () => Date.now(),
};

export async function workflowsCommand(
  group: 'workflows' | 'playbooks',
  argv: string[],
  io: CommandIo = defaultIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      orchestrator: { type: 'string', default: DEFAULT_ORCHESTRATOR },
      'data-dir': { type: 'string' },
      status: { type: 'string' },
      playbook: { type: 'string' },
      history: { type: 'boolean', default: false },
      reason: { type: 'string', default: '' },
      by: { type: 'string' },
      source: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [sub, ...args] = positionals;
  if (values.help || !sub) {
    io.out(WORKFLOWS_USAGE);
    return values.help ? 0 : 2;
  }
  const calls = orchestratorClient(
    values.orchestrator,
    await cliChannelCredentials(values['data-dir'], 'orchestrator'),
  );
  try {
    if (group === 'playbooks') return await playbooks(calls, sub, args, values.source, io);
    const id = args[0];
    switch (sub) {
      case 'list':
        return await list(calls, values.status, values.playbook, io);
      case 'show':
        return id
          ? await show(calls, id, values.history, io)
          : usage(io, 'show needs a workflow id');
      case 'watch':
        return id ? await watch(calls, id, io) : usage(io, 'watch needs a workflow id');
      case 'approve':
      case 'reject': {
        if (!id) return usage(io, `${sub} needs a workflow id`);
        const payload: Record<string, string> = { by: values.by ?? userInfo().username };
        if (values.reason) payload['reason'] = values.reason;
        const { workflow } = await calls.signalWorkflow({
          workflowId: id,
          signalName: sub,
          payload,
          requestId: randomUUID(),
        });
        io.out(
          `${sub === 'approve' ? 'approved' : 'rejected'} ${id}: now ${workflowStatusName(workflow!.status)}`,
        );
        return 0;
      }
      case 'cancel': {
        if (!id) return usage(io, 'cancel needs a workflow id');
        const { workflow } = await calls.cancelWorkflow({
          workflowId: id,
          reason: values.reason || 'cancelled from the CLI',
          requestId: randomUUID(),
        });
        io.out(`cancel requested for ${id}: now ${workflowStatusName(workflow!.status)}`);
        return 0;
      }
      default:
        return usage(io, `unknown workflows command '${sub}'`);
    }
  } catch (err) {
    io.err(`omega ${group} ${sub}: ${cliErrorMessage(err)}`);
    return 1;
  } finally {
    calls.close();
  }
}

function usage(io: CommandIo, problem: string): number {
  io.err(`omega: ${problem}\n\n${WORKFLOWS_USAGE}`);
  return 2;
}

async function list(
  calls: OrchestratorClient,
  status: string | undefined,
  playbook: string | undefined,
  io: CommandIo,
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
  const { workflows } = await calls.listWorkflows({
    statuses,
    playbookId: playbook ?? '',
    incidentId: '',
    alertId: '',
    pageSize: 200,
    pageToken: '',
  });
  for (const line of renderWorkflowList(workflows, io.now())) io.out(line);
  return 0;
}

async function show(
  calls: OrchestratorClient,
  id: string,
  history: boolean,
  io: CommandIo,
): Promise<number> {
  const response = await calls.getWorkflow({ workflowId: id, includeHistory: history });
  for (const line of renderWorkflow(response.workflow!, io.now())) io.out(line);
  if (history) for (const line of ['', ...renderHistory(response.history)]) io.out(line);
  return 0;
}

/** Live view: the workflow redrawn on each change (a terminal), or its events as they come. */
async function watch(calls: OrchestratorClient, id: string, io: CommandIo): Promise<number> {
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

async function playbooks(
  calls: OrchestratorClient,
  sub: string,
  files: string[],
  withSource: boolean,
  io: CommandIo,
): Promise<number> {
  if (sub === 'list') {
    const { playbooks: list } = await calls.listPlaybooks({
      includeDisabled: true,
      includeSource: withSource,
      pageSize: 0,
      pageToken: '',
    });
    for (const p of list) {
      io.out(
        `${p.id}@${p.version}${p.enabled ? '' : ' (disabled)'}  ${p.name} — ${p.steps.length} steps`,
      );
      if (withSource) io.out(p.source);
    }
    if (list.length === 0) io.out('no playbooks');
    return 0;
  }
  if (sub !== 'validate' && sub !== 'put') return usage(io, `unknown playbooks command '${sub}'`);
  if (files.length === 0) return usage(io, `playbooks ${sub} needs at least one file`);
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
    if (sub === 'validate') {
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
