// The live alert feed: filters, a virtualised list (only the visible rows are in the page) and the
// chosen alert's detail.
import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { matches, useAlertFeed, type Alert, type AlertFilter, type FeedState } from './alert-feed';
import { AlertDetail } from './alert-detail';
import type { Session } from './session';
import { Time } from './time';

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'FATAL'];

export function severityName(severity: string | undefined): string {
  return (severity ?? 'SEVERITY_UNSPECIFIED').replace('SEVERITY_', '').toLowerCase();
}

function FeedStatus({ state }: { readonly state: FeedState }) {
  switch (state.kind) {
    case 'connecting':
      return (
        <p className="status" role="status">
          Connecting to the alert stream…
        </p>
      );
    case 'live':
      return (
        <p className="status live" role="status">
          Live: new alerts appear at the top.
        </p>
      );
    case 'reconnecting':
      return (
        <p className="status warn" role="status">
          Connection to the gateway lost ({state.why}). Reconnecting in{' '}
          {Math.round(state.inMs / 100) / 10} s; alerts missed meanwhile will be replayed.
        </p>
      );
    case 'failed':
      return (
        <p className="status error" role="alert">
          {state.why}
        </p>
      );
  }
}

export function AlertsPage({
  session,
  onUnauthenticated,
}: {
  readonly session: Session;
  readonly onUnauthenticated: (why: string) => void;
}) {
  const { alerts, state } = useAlertFeed(session.gateway, onUnauthenticated);
  const [filter, setFilter] = useState<AlertFilter>({
    severity: '',
    rule: '',
    entity: '',
    technique: '',
  });
  const [chosen, setChosen] = useState<Alert | undefined>(undefined);
  const shown = useMemo(() => alerts.filter((a) => matches(a, filter)), [alerts, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    overscan: 10,
  });
  const set = (key: keyof AlertFilter) => (event: { target: { value: string } }) =>
    setFilter({ ...filter, [key]: event.target.value });

  return (
    <section className="page alerts" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <FeedStatus state={state} />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Severity
          <select value={filter.severity} onChange={set('severity')}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={`SEVERITY_${s}`}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule
          <input value={filter.rule} onChange={set('rule')} placeholder="detector:port-scan" />
        </label>
        <label>
          Entity
          <input value={filter.entity} onChange={set('entity')} placeholder="10.0.0.7" />
        </label>
        <label>
          ATT&amp;CK technique
          <input value={filter.technique} onChange={set('technique')} placeholder="T1046" />
        </label>
      </form>
      <p className="muted count">
        {shown.length} of {alerts.length} alerts
      </p>
      <div className="split">
        <div className="list" ref={scroller} role="region" aria-label="Alerts" tabIndex={0}>
          {shown.length === 0 ? (
            <p className="empty">
              {alerts.length === 0
                ? 'No alerts yet. They appear here the moment a detector fires: try `omega demo` or replay an attack.'
                : 'No alert matches these filters: clear one to see more.'}
            </p>
          ) : (
            <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
              {rows.getVirtualItems().map((row) => {
                const alert = shown[row.index]!;
                return (
                  <button
                    key={alert.id}
                    type="button"
                    className={`row${chosen?.id === alert.id ? ' chosen' : ''}`}
                    style={{ transform: `translateY(${row.start}px)`, height: row.size }}
                    onClick={() => setChosen(alert)}
                    data-alert-id={alert.id}
                  >
                    <span className={`sev sev-${severityName(alert.severity)}`}>
                      {severityName(alert.severity)}
                    </span>
                    <span className="title">{alert.title ?? alert.ruleName ?? alert.id}</span>
                    <span className="muted">{(alert.attackTechniqueIds ?? []).join(' ')}</span>
                    <Time ns={alert.timeNs} />
                  </button>
                );
              })}
            </div>
          )}
        </div>
        <div className="detail" tabIndex={0} role="region" aria-label="Alert detail">
          {chosen === undefined ? (
            <p className="empty">
              Choose an alert to see why it fired, its evidence and its incident.
            </p>
          ) : (
            <AlertDetail session={session} alert={chosen} />
          )}
        </div>
      </div>
    </section>
  );
}
