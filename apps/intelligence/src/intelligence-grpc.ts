// The IntelligenceService RPCs: alerts (list, get, stream, explain), incidents (list, get) and
// rules (list, validate, test, load, enable/disable).
import type * as grpc from '@grpc/grpc-js';
import type { Bus } from '@omega/bus';
import {
  Alert,
  DetectorKind,
  type ExplainAlertRequest,
  type ExplainAlertResponse,
  type GetIncidentRequest,
  type GetIncidentResponse,
  type ListIncidentsRequest,
  type ListIncidentsResponse,
  type LoadRulesRequest,
  type LoadRulesResponse,
  type SetRuleEnabledRequest,
  type SetRuleEnabledResponse,
  type TestRulesRequest,
  type TestRulesResponse,
  type GetAlertRequest,
  type GetAlertResponse,
  type ListAlertsRequest,
  type ListAlertsResponse,
  type ListRulesRequest,
  type ListRulesResponse,
  type StreamAlertsRequest,
  type StreamAlertsResponse,
  type ValidateRulesRequest,
  type ValidateRulesResponse,
} from '@omega/proto';
import { Code, OmegaError, errorMessage, toGrpcError } from '@omega/runtime';
import type { Logger } from 'pino';
import { alertMatchesFilter } from './alert-filter';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type AlertStore,
  type AlertTail,
  type TailStart,
} from './alert-store';
import { explainAlert } from './explain-alert';
import { getIncident, listIncidents } from './incident-view';
import { validateRuleSources } from './rule-catalog';
import type { RuleRegistry } from './rule-registry';
import { RuleTester } from './test-rules';

export interface IntelligenceRpcDeps {
  bus: Bus;
  store: AlertStore;
  rules: RuleRegistry;
  /** Aborts when the service drains: open StreamAlerts calls end. */
  draining: AbortSignal;
  /** Adds what the service knows beyond the stored alert (its audit log entry). */
  annotate?: (alert: Alert) => Alert;
  logger: Logger;
}

function unary<Req, Res>(
  answer: (request: Req) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => answer(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(toGrpcError(err), null),
      );
  };
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
): grpc.UntypedServiceImplementation {
  const { bus, store, rules, draining, logger } = deps;
  const annotate = deps.annotate ?? ((alert: Alert) => alert);
  const ruleTester = new RuleTester();

  const streamAlerts: grpc.handleServerStreamingCall<StreamAlertsRequest, StreamAlertsResponse> = (
    call,
  ) => {
    let messages: AlertTail | undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      draining.removeEventListener('abort', end);
      void messages?.close();
      if (!call.cancelled) call.end();
    };
    call.on('cancelled', end);
    if (draining.aborted) return end();
    draining.addEventListener('abort', end);
    void (async () => {
      try {
        messages = await store.tail(tailStartOf(call.request));
        if (ended) return void messages.close();
        for await (const { alert, seq } of messages) {
          if (!alertMatchesFilter(alert, call.request.filter)) continue;
          if (!call.write({ alert: annotate(alert), cursor: String(seq) })) {
            await new Promise((resolve) => call.once('drain', resolve));
          }
          if (ended) break;
        }
        end();
      } catch (err) {
        if (ended) return;
        ended = true;
        draining.removeEventListener('abort', end);
        void messages?.close();
        logger.warn({ err }, `StreamAlerts failed: ${errorMessage(err)}`);
        call.emit('error', toGrpcError(err));
      }
    })();
  };

  return {
    listAlerts: unary<ListAlertsRequest, ListAlertsResponse>(async (request) => {
      const page = await store.list(
        request.filter,
        request.pageSize,
        pageTokenNumber(request.pageToken, 'ListAlerts'),
      );
      return {
        alerts: page.alerts.map((s) => annotate(s.alert)),
        nextPageToken: page.nextBeforeSeq ? String(page.nextBeforeSeq) : '',
      };
    }),

    getAlert: unary<GetAlertRequest, GetAlertResponse>(async (request) => {
      if (!request.alertId)
        throw new OmegaError(Code.InvalidArgument, 'GetAlert: alert_id is required');
      return { alert: annotate((await store.get(request.alertId)).alert) };
    }),

    streamAlerts,

    listRules: unary<ListRulesRequest, ListRulesResponse>((request) => {
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
    }),

    validateRules: unary<ValidateRulesRequest, ValidateRulesResponse>((request) =>
      validateRuleSources(request.sources),
    ),

    testRules: unary<TestRulesRequest, TestRulesResponse>((request) => ruleTester.test(request)),

    loadRules: unary<LoadRulesRequest, LoadRulesResponse>((request) => rules.load(request)),

    setRuleEnabled: unary<SetRuleEnabledRequest, SetRuleEnabledResponse>((request) =>
      rules.setEnabled(request),
    ),

    explainAlert: unary<ExplainAlertRequest, ExplainAlertResponse>((request) =>
      explainAlert({ bus, store, rules, annotate }, request),
    ),

    getIncident: unary<GetIncidentRequest, GetIncidentResponse>((request) =>
      getIncident(store, request.incidentId, annotate),
    ),

    listIncidents: unary<ListIncidentsRequest, ListIncidentsResponse>((request) =>
      listIncidents(store, request),
    ),
  };
}
