// The live alert feed: IntelligenceService/StreamAlerts, resumed from the last cursor when the
// gateway goes away mid-stream (with a growing pause, at most 10 s), keeping at most MAX_ALERTS.
import { useEffect, useRef, useState } from 'react';
import { isUnauthenticated, plainWords, type Gateway } from './gateway-client';

export interface Alert {
  readonly id: string;
  readonly timeNs?: string;
  readonly severity?: string;
  readonly title?: string;
  readonly ruleId?: string;
  readonly ruleName?: string;
  readonly attackTechniqueIds?: readonly string[];
  readonly attackTacticIds?: readonly string[];
  readonly entities?: readonly {
    kind?: string;
    value?: string;
    displayName?: string;
    isActor?: boolean;
  }[];
  readonly evidence?: readonly {
    eventId?: string;
    batch?: Record<string, unknown>;
    eventIndex?: number;
  }[];
  readonly explanation?: string;
  readonly reasons?: readonly {
    summary?: string;
    feature?: string;
    observedValue?: string;
    expectedValue?: string;
  }[];
  readonly incidentId?: string;
  readonly confidence?: number;
  readonly node?: string;
  readonly count?: number;
}

export const MAX_ALERTS = 20_000;
const RETRY_MAX_MS = 10_000;
/** Replayed on first connect: the retained alerts of the last hour. */
const REPLAY_MS = 60 * 60 * 1000;

export type FeedState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'live' }
  | { readonly kind: 'reconnecting'; readonly why: string; readonly inMs: number }
  | { readonly kind: 'failed'; readonly why: string };

export function useAlertFeed(
  gateway: Gateway,
  onUnauthenticated: (why: string) => void,
): { alerts: readonly Alert[]; state: FeedState } {
  const [alerts, setAlerts] = useState<readonly Alert[]>([]);
  const [state, setState] = useState<FeedState>({ kind: 'connecting' });
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;

  useEffect(() => {
    const abort = new AbortController();
    let cursor = '';
    let pending: Alert[] = [];
    let frame = 0;
    // Alerts arrive faster than frames: they are added once per animation frame.
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      setAlerts((old) => {
        const next = [...batch.reverse(), ...old];
        return next.length > MAX_ALERTS ? next.slice(0, MAX_ALERTS) : next;
      });
    };
    const run = async () => {
      let delay = 500;
      while (!abort.signal.aborted) {
        try {
          const request: Record<string, string> =
            cursor === ''
              ? { startTimeNs: String(BigInt(Date.now() - REPLAY_MS) * 1_000_000n) }
              : { cursor };
          const stream = gateway.stream<{ alert?: Alert; cursor?: string }>(
            'IntelligenceService/StreamAlerts',
            request,
            abort.signal,
          );
          setState({ kind: 'live' });
          for await (const answer of stream) {
            delay = 500;
            if (answer.cursor !== undefined) cursor = answer.cursor;
            if (answer.alert === undefined) continue;
            pending.push(answer.alert);
            if (frame === 0) frame = requestAnimationFrame(flush);
          }
          if (abort.signal.aborted) return;
          setState({ kind: 'reconnecting', why: 'The gateway ended the stream.', inMs: delay });
        } catch (error) {
          if (abort.signal.aborted) return;
          if (isUnauthenticated(error)) {
            unauthenticated.current(plainWords(error));
            setState({ kind: 'failed', why: plainWords(error) });
            return;
          }
          setState({ kind: 'reconnecting', why: plainWords(error), inMs: delay });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    };
    void run();
    return () => {
      abort.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [gateway]);

  return { alerts, state };
}

export interface AlertFilter {
  readonly severity: string;
  readonly rule: string;
  readonly entity: string;
  readonly technique: string;
}

export function matches(alert: Alert, filter: AlertFilter): boolean {
  if (filter.severity !== '' && alert.severity !== filter.severity) return false;
  const has = (value: string | undefined, wanted: string) =>
    (value ?? '').toLowerCase().includes(wanted.toLowerCase());
  if (filter.rule !== '' && !has(alert.ruleId, filter.rule) && !has(alert.ruleName, filter.rule))
    return false;
  if (
    filter.entity !== '' &&
    !(alert.entities ?? []).some(
      (e) => has(e.value, filter.entity) || has(e.displayName, filter.entity),
    )
  )
    return false;
  if (
    filter.technique !== '' &&
    !(alert.attackTechniqueIds ?? []).some((t) => has(t, filter.technique))
  )
    return false;
  return true;
}
