// ExplainAlert: the alert with its rule, its structured reasons, the ATT&CK techniques by name and,
// when asked, the evidence events themselves, read back from TELEMETRY (or DECEPTION) while the
// stream still retains them.
import type { Bus } from '@omega/bus';
import {
  Event,
  EventBatch,
  type Alert,
  type EvidenceRef,
  type ExplainAlertRequest,
  type ExplainAlertResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { AlertStore } from './alert-store';
import { attackTechnique } from './attack-techniques';
import type { CatalogSource } from './telemetry-pipeline';
import { DECEPTION_SENDER_PREFIX } from './telemetry-pipeline';

export interface ExplainDeps {
  bus: Bus;
  store: AlertStore;
  rules: CatalogSource;
  annotate: (alert: Alert) => Alert;
}

export async function explainAlert(
  deps: ExplainDeps,
  request: ExplainAlertRequest,
): Promise<ExplainAlertResponse> {
  if (!request.alertId) {
    throw new OmegaError(Code.InvalidArgument, 'ExplainAlert: alert_id is required');
  }
  const alert = deps.annotate((await deps.store.get(request.alertId)).alert);
  const rule = deps.rules.catalog.rule(alert.ruleId);
  const events: Event[] = [];
  if (request.includeEvents) {
    for (const evidence of alert.evidence) {
      const event = await evidenceEvent(deps.bus, evidence);
      if (event) events.push(event);
    }
  }
  return {
    alert,
    summary: alert.explanation,
    reasons: alert.reasons,
    ...(rule ? { rule } : {}),
    techniques: alert.attackTechniqueIds.map(attackTechnique),
    events,
    // Playbooks and their triggers live in the orchestrator; it matches them to alerts.
    suggestedPlaybookIds: [],
  };
}

/** The evidence event, or undefined when its message is past retention or no longer matches. */
async function evidenceEvent(bus: Bus, evidence: EvidenceRef): Promise<Event | undefined> {
  const ref = evidence.batch;
  if (!ref || ref.streamSequence === 0n) return undefined;
  const deception = ref.senderId.startsWith(DECEPTION_SENDER_PREFIX);
  const msg = await bus.jsm.streams
    .getMessage(deception ? 'DECEPTION' : 'TELEMETRY', { seq: Number(ref.streamSequence) })
    .catch(() => null);
  if (!msg) return undefined;
  let event: Event | undefined;
  try {
    event = deception
      ? Event.decode(msg.data)
      : EventBatch.decode(msg.data).events[evidence.eventIndex];
  } catch {
    return undefined;
  }
  return event?.id === evidence.eventId ? event : undefined;
}
