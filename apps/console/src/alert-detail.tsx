// One alert: its explanation, reasons, entities, evidence and the incident it joined.
import { useEffect, useState } from 'react';
import { plainWords } from './gateway-client';
import type { Alert } from './alert-feed';
import type { Session } from './session';
import { Time } from './time';

interface Incident {
  readonly id?: string;
  readonly title?: string;
  readonly status?: string;
  readonly severity?: string;
}

export function AlertDetail({
  session,
  alert,
}: {
  readonly session: Session;
  readonly alert: Alert;
}) {
  const [incident, setIncident] = useState<Incident | string | undefined>(undefined);
  useEffect(() => {
    setIncident(undefined);
    if (alert.incidentId === undefined || alert.incidentId === '') return;
    const abort = new AbortController();
    session.gateway
      .call<{ incident?: Incident }>(
        'IntelligenceService/GetIncident',
        { incidentId: alert.incidentId },
        abort.signal,
      )
      .then((r) => setIncident(r.incident ?? 'The incident is not known.'))
      .catch((e: unknown) => abort.signal.aborted || setIncident(plainWords(e)));
    return () => abort.abort();
  }, [session, alert]);

  return (
    <article aria-labelledby="alert-title">
      <h2 id="alert-title">{alert.title ?? alert.id}</h2>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          <Time ns={alert.timeNs} />
        </dd>
        <dt>Rule</dt>
        <dd>
          {alert.ruleName ?? ''} <code>{alert.ruleId}</code>
        </dd>
        <dt>ATT&amp;CK</dt>
        <dd>
          {[...(alert.attackTechniqueIds ?? []), ...(alert.attackTacticIds ?? [])].join(', ') ||
            '—'}
        </dd>
        <dt>Confidence</dt>
        <dd>{alert.confidence ?? '—'}</dd>
        <dt>Node</dt>
        <dd>{alert.node ?? '—'}</dd>
      </dl>
      <h3>Why it fired</h3>
      <p className="explanation">{alert.explanation ?? 'No explanation was given.'}</p>
      {(alert.reasons ?? []).length > 0 && (
        <ul>
          {alert.reasons!.map((r, i) => (
            <li key={i}>
              {r.summary}
              {r.feature !== undefined && (
                <span className="muted">
                  {' '}
                  ({r.feature}: {r.observedValue ?? '?'}
                  {r.expectedValue !== undefined ? `, expected ${r.expectedValue}` : ''})
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>Entities</h3>
      <ul>
        {(alert.entities ?? []).map((e, i) => (
          <li key={i}>
            {e.kind?.replace('ENTITY_KIND_', '').toLowerCase()} <code>{e.value}</code>
            {e.isActor === true ? ' (actor)' : ''}
          </li>
        ))}
      </ul>
      <h3>Evidence</h3>
      {(alert.evidence ?? []).length === 0 ? (
        <p className="muted">No evidence events are referenced.</p>
      ) : (
        <ul>
          {alert.evidence!.map((e, i) => (
            <li key={i}>
              event <code>{e.eventId ?? `#${e.eventIndex ?? 0}`}</code>
            </li>
          ))}
        </ul>
      )}
      <h3>Incident</h3>
      {alert.incidentId === undefined || alert.incidentId === '' ? (
        <p className="muted">Not correlated into an incident yet.</p>
      ) : incident === undefined ? (
        <p className="muted">Loading incident {alert.incidentId}…</p>
      ) : typeof incident === 'string' ? (
        <p className="error">{incident}</p>
      ) : (
        <p>
          <code>{incident.id}</code> {incident.title} (
          {incident.status?.replace('INCIDENT_STATUS_', '').toLowerCase()})
        </p>
      )}
    </article>
  );
}
