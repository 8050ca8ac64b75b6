// Workflows with their steps and event history; approve / reject for a workflow waiting for
// approval, shown only when the user's roles allow SignalWorkflow.
import { useCallback, useEffect, useState } from 'react';
import { plainWords } from './gateway-client';
import type { Session } from './session';
import { Time } from './time';

interface Workflow {
  readonly workflowId: string;
  readonly playbookId?: string;
  readonly status?: string;
  readonly startTimeNs?: string;
  readonly awaitedSignals?: readonly string[];
  readonly failureMessage?: string;
  readonly steps?: readonly { stepId?: string; action?: string; status?: string; error?: string }[];
}
interface WorkflowEvent {
  readonly sequence?: string;
  readonly timeNs?: string;
  readonly type?: string;
  readonly stepId?: string;
  readonly detail?: string;
}

const name = (value: string | undefined, prefix: string) =>
  (value ?? '').replace(prefix, '').toLowerCase() || '—';

export function WorkflowsPage({ session }: { readonly session: Session }) {
  const [workflows, setWorkflows] = useState<readonly Workflow[] | string | undefined>(undefined);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const load = useCallback(() => {
    session.gateway
      .call<{ workflows?: Workflow[] }>('OrchestratorService/ListWorkflows', { pageSize: 200 })
      .then((r) => setWorkflows(r.workflows ?? []))
      .catch((e: unknown) => setWorkflows(plainWords(e)));
  }, [session]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 5_000);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section className="page" aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      {workflows === undefined ? (
        <p className="status" role="status">
          Loading workflows…
        </p>
      ) : typeof workflows === 'string' ? (
        <p className="status error" role="alert">
          {workflows}
        </p>
      ) : workflows.length === 0 ? (
        <p className="empty">
          No workflows yet. A playbook starts one when an alert matches its trigger, or start one
          with `omega playbooks run`.
        </p>
      ) : (
        <div className="split">
          <table className="list" tabIndex={0} aria-label="Workflows">
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Playbook</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {workflows.map((w) => (
                <tr key={w.workflowId} className={chosen === w.workflowId ? 'chosen' : ''}>
                  <td>
                    <button type="button" className="link" onClick={() => setChosen(w.workflowId)}>
                      {w.workflowId}
                    </button>
                  </td>
                  <td>{w.playbookId}</td>
                  <td className={`wf-${name(w.status, 'WORKFLOW_STATUS_')}`}>
                    {name(w.status, 'WORKFLOW_STATUS_')}
                  </td>
                  <td>
                    <Time ns={w.startTimeNs} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="detail" tabIndex={0} role="region" aria-label="Workflow detail">
            {chosen === undefined ? (
              <p className="empty">Choose a workflow to see its steps and history.</p>
            ) : (
              <WorkflowDetail session={session} workflowId={chosen} onChanged={load} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function WorkflowDetail({
  session,
  workflowId,
  onChanged,
}: {
  readonly session: Session;
  readonly workflowId: string;
  readonly onChanged: () => void;
}) {
  const [state, setState] = useState<
    { workflow?: Workflow; history?: WorkflowEvent[] } | string | undefined
  >(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    session.gateway
      .call<{ workflow?: Workflow; history?: WorkflowEvent[] }>('OrchestratorService/GetWorkflow', {
        workflowId,
        includeHistory: true,
      })
      .then(setState)
      .catch((e: unknown) => setState(plainWords(e)));
  }, [session, workflowId]);
  useEffect(() => {
    setState(undefined);
    setMessage(undefined);
    load();
  }, [load]);

  const signal = async (signalName: 'approve' | 'reject') => {
    setBusy(true);
    try {
      const r = await session.gateway.call<{ workflow?: Workflow }>(
        'OrchestratorService/SignalWorkflow',
        {
          workflowId,
          signalName,
          payload: { by: session.principal.id },
          requestId: crypto.randomUUID(),
        },
      );
      setMessage(
        `${signalName === 'approve' ? 'Approved' : 'Rejected'}: the workflow is now ${name(r.workflow?.status, 'WORKFLOW_STATUS_')}.`,
      );
      load();
      onChanged();
    } catch (e) {
      setMessage(plainWords(e));
    } finally {
      setBusy(false);
    }
  };

  if (state === undefined)
    return (
      <p className="status" role="status">
        Loading {workflowId}…
      </p>
    );
  if (typeof state === 'string')
    return (
      <p className="status error" role="alert">
        {state}
      </p>
    );
  const workflow = state.workflow;
  const waiting = (workflow?.awaitedSignals ?? []).some((s) => s === 'approve' || s === 'reject');
  const mayDecide = session.allowed.has('/omega.v1.OrchestratorService/SignalWorkflow');
  return (
    <article aria-labelledby="workflow-title">
      <h2 id="workflow-title">{workflowId}</h2>
      <p>
        Playbook <code>{workflow?.playbookId}</code>, {name(workflow?.status, 'WORKFLOW_STATUS_')}
        {workflow?.failureMessage ? `: ${workflow.failureMessage}` : ''}
      </p>
      {waiting &&
        (mayDecide ? (
          <div className="approval" role="group" aria-label="Approval">
            <p>This workflow waits for a decision.</p>
            <button type="button" disabled={busy} onClick={() => void signal('approve')}>
              Approve
            </button>
            <button
              type="button"
              disabled={busy}
              className="danger"
              onClick={() => void signal('reject')}
            >
              Reject
            </button>
          </div>
        ) : (
          <p className="muted">
            This workflow waits for approval by a responder; your roles cannot approve it.
          </p>
        ))}
      {message !== undefined && <p role="status">{message}</p>}
      <h3>Steps</h3>
      <ol>
        {(workflow?.steps ?? []).map((s) => (
          <li key={s.stepId}>
            <code>{s.stepId}</code> {s.action} — {name(s.status, 'STEP_STATUS_')}
            {s.error ? `: ${s.error}` : ''}
          </li>
        ))}
      </ol>
      <h3>History</h3>
      <ol className="history">
        {(state.history ?? []).map((e) => (
          <li key={e.sequence}>
            <Time ns={e.timeNs} /> {name(e.type, 'WORKFLOW_EVENT_TYPE_')}
            {e.stepId ? ` ${e.stepId}` : ''}
            {e.detail ? `: ${e.detail}` : ''}
          </li>
        ))}
      </ol>
    </article>
  );
}
