// The IntelligenceService RPCs: alerts (list, get, stream, explain), incidents (list, get) and
// rules (list, validate, test, load, enable/disable).
import type { Bus } from '@omega/bus';
import {
  Alert,
  DetectorKind,
  type IntelligenceServiceService,
  type StreamAlertsRequest,
} from '@omega/proto';
import { Code, OmegaError, errorMessage, type ServiceHandlers } from '@omega/runtime';
import { requesterOf } from '@omega/trust-client';
import type { Logger } from 'pino';
import { alertMatchesFilter } from './alert-filter';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type AlertStore, type TailStart } from './alert-store';
import { explainAlert } from './explain-alert';
import { getIncident, listIncidents } from './incident-view';
import { validateRuleSources } from './rule-catalog';
import type { RuleRegistry } from './rule-registry';
import { RuleTester } from './test-rules';

export interface IntelligenceRpcDeps {
  bus: Bus;
  store: AlertStore;
  rules: RuleRegistry;
  /** Adds what the service knows beyond the stored alert (its audit log entry). */
  annotate?: (alert: Alert) => Alert;
  logger: Logger;
}

/** Page tokens are decimal stream sequences (ListAlerts) or offsets (ListRules). */
function pageTokenNumber(token: string, rpc: string): number {
  if (!token) return 0;
  if (!/^[1-9]\d{0,15}$/.test(token)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${rpc}: page_token ${JSON.stringify(token)} is not one this service issued`,
    );
  }
  return Number(token);
}

function tailStartOf(request: StreamAlertsRequest): TailStart {
  if (request.cursor) {
    if (!/^\d{1,16}$/.test(request.cursor)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `StreamAlerts: cursor ${JSON.stringify(request.cursor)} is not one this service issued`,
      );
    }
    return { afterSeq: Number(request.cursor) };
  }
  if (request.startTimeNs > 0n) return { startTimeNs: request.startTimeNs };
  return { newOnly: true };
}

export function intelligenceGrpcHandlers(
  deps: IntelligenceRpcDeps,
): ServiceHandlers<typeof IntelligenceServiceService> {
  const { bus, store, rules, logger } = deps;
  const annotate = deps.annotate ?? ((alert: Alert) => alert);
  const ruleTester = new RuleTester({}, rules.lua);

  return {
    listAlerts: async (request) => {
      const page = await store.list(
        request.filter,
        request.pageSize,
        pageTokenNumber(request.pageToken, 'ListAlerts'),
      );
      return {
        alerts: page.alerts.map((s) => annotate(s.alert)),
        nextPageToken: page.nextBeforeSeq ? String(page.nextBeforeSeq) : '',
      };
    },

    getAlert: async (request) => {
      if (!request.alertId)
        throw new OmegaError(Code.InvalidArgument, 'GetAlert: alert_id is required');
      return { alert: annotate((await store.get(request.alertId)).alert) };
    },

    // Ends (OK) when the service drains; the call's signal closes the tail.
    async *streamAlerts(request, ctx) {
      try {
        const messages = await store.tail(tailStartOf(request));
        const close = (): void => void messages.close();
        ctx.signal.addEventListener('abort', close, { once: true });
        try {
          if (ctx.signal.aborted) return;
          for await (const { alert, seq } of messages) {
            if (!alertMatchesFilter(alert, request.filter)) continue;
            yield { alert: annotate(alert), cursor: String(seq) };
          }
        } finally {
          ctx.signal.removeEventListener('abort', close);
          close();
        }
      } catch (err) {
        if (ctx.signal.aborted) return;
        // An unexpected error is logged where every handler's is; a refused request here.
        if (err instanceof OmegaError)
          logger.warn({ err }, `StreamAlerts failed: ${errorMessage(err)}`);
        throw err;
      }
    },

    listRules: (request) => {
      const listed = rules.catalog
        .list()
        .filter(
          (rule) =>
            (request.kind === DetectorKind.DETECTOR_KIND_UNSPECIFIED ||
              rule.kind === request.kind) &&
            (!request.attackTechniqueId ||
              rule.attackTechniqueIds.some(
                (id) =>
                  id === request.attackTechniqueId ||
                  id.startsWith(`${request.attackTechniqueId}.`),
              )) &&
            (request.includeDisabled || rule.enabled),
        )
        .map((rule) => (request.includeSource ? rule : { ...rule, source: '' }));
      const offset = pageTokenNumber(request.pageToken, 'ListRules');
      const size = Math.min(request.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      const page = listed.slice(offset, offset + size);
      return {
        rules: page,
        nextPageToken: offset + size < listed.length ? String(offset + size) : '',
      };
    },

    validateRules: (request) => validateRuleSources(request.sources, rules.lua),

    testRules: (request) => ruleTester.test(request),

    loadRules: (request, ctx) => rules.load(request, requesterOf(ctx.peer)),

    setRuleEnabled: (request, ctx) => rules.setEnabled(request, requesterOf(ctx.peer)),

    explainAlert: (request) => explainAlert({ bus, store, rules, annotate }, request),

    getIncident: (request) => getIncident(store, request.incidentId, annotate),

    listIncidents: (request) => listIncidents(store, request),
  };
}
