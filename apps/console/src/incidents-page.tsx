// Incidents (IntelligenceService/ListIncidents), each with its timeline: its alerts oldest first
// (GetIncident) and the workflows started for it.
import { useEffect, useState } from 'react';
import type { Alert } from './alert-feed';
import { severityName } from './alerts-page';
import { plainWords } from './gateway-client';
import type { Session } from './session';
import { Time } from './time';

interface Incident {
  readonly id: string;
  readonly title?: string;
  readonly severity?: string;
  readonly status?: string;
  readonly updateTimeNs?: string;
  readonly summary?: string;
  readonly attackTechniqueIds?: readonly string[];
  readonly workflowIds?: readonly string[];
}

const status = (value: string | undefined) =>
  (value ?? '').replace('INCIDENT_STATUS_', '').toLowerCase() || '—';

export function IncidentsPage({ session }: { readonly session: Session }) {
  const [incidents, setIncidents] = useState<readonly Incident[] | string | undefined>(undefined);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    const load = () =>
      session.gateway
        .call<{ incidents?: Incident[] }>(
          'IntelligenceService/ListIncidents',
          { pageSize: 200 },
          abort.signal,
        )
        .then((r) => setIncidents(r.incidents ?? []))
        .catch((e: unknown) => abort.signal.aborted || setIncidents(plainWords(e)));
    void load();
    const timer = setInterval(() => void load(), 5_000);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [session]);

  return (
    <section className="page" aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      {incidents === undefined ? (
        <p className="status" role="status">
          Loading incidents…
        </p>
      ) : typeof incidents === 'string' ? (
        <p className="status error" role="alert">
          {incidents}
        </p>
      ) : incidents.length === 0 ? (
        <p className="empty">
          No incidents: alerts that tell one story are gathered here as they fire.
        </p>
      ) : (
        <div className="split">
          <table className="list" tabIndex={0} aria-label="Incidents">
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id} className={chosen === i.id ? 'chosen' : ''}>
                  <td>
                    <button type="button" className="link" onClick={() => setChosen(i.id)}>
                      {i.title ?? i.id}
                    </button>
                  </td>
                  <td className={`sev sev-${severityName(i.severity)}`}>
                    {severityName(i.severity)}
                  </td>
                  <td>{status(i.status)}</td>
                  <td>
                    <Time ns={i.updateTimeNs} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="detail" tabIndex={0} role="region" aria-label="Incident timeline">
            {chosen === undefined ? (
              <p className="empty">Choose an incident to see its timeline.</p>
            ) : (
              <IncidentTimeline session={session} incidentId={chosen} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function IncidentTimeline({
  session,
  incidentId,
}: {
  readonly session: Session;
  readonly incidentId: string;
}) {
  const [state, setState] = useState<
    { incident?: Incident; alerts?: Alert[] } | string | undefined
  >(undefined);
  useEffect(() => {
    const abort = new AbortController();
    setState(undefined);
    session.gateway
      .call<{ incident?: Incident; alerts?: Alert[] }>(
        'IntelligenceService/GetIncident',
        { incidentId },
        abort.signal,
      )
      .then(setState)
      .catch((e: unknown) => abort.signal.aborted || setState(plainWords(e)));
    return () => abort.abort();
  }, [session, incidentId]);
  if (state === undefined)
    return (
      <p className="status" role="status">
        Loading {incidentId}…
      </p>
    );
  if (typeof state === 'string')
    return (
      <p className="status error" role="alert">
        {state}
      </p>
    );
  return (
    <article aria-labelledby="incident-title">
      <h2 id="incident-title">{state.incident?.title ?? incidentId}</h2>
      <p>{state.incident?.summary}</p>
      <p className="muted">
        ATT&amp;CK: {(state.incident?.attackTechniqueIds ?? []).join(', ') || '—'}
      </p>
      <h3>Timeline</h3>
      <ol className="history">
        {(state.alerts ?? []).map((a) => (
          <li key={a.id}>
            <Time ns={a.timeNs} />{' '}
            <span className={`sev sev-${severityName(a.severity)}`}>
              {severityName(a.severity)}
            </span>{' '}
            {a.title}
          </li>
        ))}
      </ol>
      {(state.incident?.workflowIds ?? []).length > 0 && (
        <>
          <h3>Workflows</h3>
          <ul>
            {state.incident!.workflowIds!.map((w) => (
              <li key={w}>
                <a href="#/workflows">
                  <code>{w}</code>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}
