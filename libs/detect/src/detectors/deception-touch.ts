// Deception touches: any interaction with a honeypot or use of a honeytoken is critical.
//
// Nothing legitimate talks to a decoy or holds a honeytoken, so there is no baseline: the first
// interaction of each kind per session is reported. A honeytoken use means a credential was taken and
// tried, and is reported one step higher than a honeypot touch.
import { DecoyKind, EntityKind, InteractionKind, Severity, type Event } from '@omega/proto';
import { resolveConfig } from './detector-config';
import { reason, type Detector, type DetectorFinding, NO_FINDINGS } from './detector';
import { entity, sourceActor } from './entity-key';
import { LruMap } from './lru-map';

export interface DeceptionTouchConfig {
  /** Cap on (source, decoy, kind, session) keys remembered for de-duplication (LRU). */
  maxSessions: number;
  /** OCSF severity of a honeypot interaction. */
  honeypotSeverity: number;
  /** OCSF severity of a honeytoken use. */
  honeytokenSeverity: number;
}

export const DECEPTION_TOUCH_DEFAULTS: DeceptionTouchConfig = {
  maxSessions: 10_000,
  honeypotSeverity: Severity.SEVERITY_CRITICAL,
  honeytokenSeverity: Severity.SEVERITY_FATAL,
};

const TECHNIQUES: Partial<
  Record<InteractionKind, { techniques: string[]; tactics: string[]; what: string }>
> = {
  [InteractionKind.INTERACTION_KIND_CONNECT]: {
    techniques: ['T1046'],
    tactics: ['TA0007'],
    what: 'connected to',
  },
  [InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT]: {
    techniques: ['T1110', 'T1078'],
    tactics: ['TA0006', 'TA0001'],
    what: 'tried to log in to',
  },
  [InteractionKind.INTERACTION_KIND_COMMAND]: {
    techniques: ['T1059'],
    tactics: ['TA0002'],
    what: 'ran a command on',
  },
  [InteractionKind.INTERACTION_KIND_TOKEN_USE]: {
    techniques: ['T1552', 'T1078'],
    tactics: ['TA0006', 'TA0001'],
    what: 'used honeytoken',
  },
  [InteractionKind.INTERACTION_KIND_FILE_ACCESS]: {
    techniques: ['T1083', 'T1005'],
    tactics: ['TA0007', 'TA0009'],
    what: 'read files on',
  },
  [InteractionKind.INTERACTION_KIND_DISCONNECT]: {
    techniques: ['T1046'],
    tactics: ['TA0007'],
    what: 'disconnected from',
  },
};

export class DeceptionTouchDetector implements Detector {
  readonly id = 'deception-touch';
  readonly config: DeceptionTouchConfig;
  private readonly seen: LruMap<string, true>;

  constructor(config?: Partial<DeceptionTouchConfig>) {
    this.config = resolveConfig(
      this.id,
      DECEPTION_TOUCH_DEFAULTS,
      {
        maxSessions: 'positive-integer',
        honeypotSeverity: 'positive-integer',
        honeytokenSeverity: 'positive-integer',
      },
      config,
    );
    this.seen = new LruMap(this.config.maxSessions);
  }

  stateSize(): number {
    return this.seen.size;
  }

  observe(event: Event): DetectorFinding[] {
    if (event.payload?.$case !== 'deceptionInteraction') return NO_FINDINGS;
    const touch = event.payload.value;
    const actor = sourceActor(event);
    const key = actor.key || 'unknown-source';
    const tokenUse =
      touch.kind === InteractionKind.INTERACTION_KIND_TOKEN_USE || touch.honeytokenId !== '';
    const target = tokenUse ? touch.honeytokenId || touch.decoyId : touch.decoyId;
    const dedupe = `${key}|${target}|${touch.kind}|${touch.sessionId}`;
    if (this.seen.has(dedupe)) return NO_FINDINGS;
    this.seen.set(dedupe, true);

    const mapped = TECHNIQUES[touch.kind] ?? {
      techniques: ['T1046'],
      tactics: ['TA0007'],
      what: 'interacted with',
    };
    const decoyKind =
      DecoyKind[touch.decoyKind]?.replace('DECOY_KIND_', '').toLowerCase() ?? 'unknown';
    const targetText = tokenUse ? `honeytoken ${target}` : `${decoyKind} decoy ${target}`;
    const detail = [
      touch.username && `user "${touch.username}"`,
      touch.request && `request "${touch.request.slice(0, 120)}"`,
      touch.protocol && `over ${touch.protocol}`,
    ]
      .filter(Boolean)
      .join(', ');
    const entities = [
      ...actor.entities,
      tokenUse
        ? entity(EntityKind.ENTITY_KIND_HONEYTOKEN, target, false)
        : entity(EntityKind.ENTITY_KIND_DECOY, target, false),
    ];
    if (touch.username) entities.push(entity(EntityKind.ENTITY_KIND_USER, touch.username));
    return [
      {
        detectorId: this.id,
        kind: tokenUse ? 'honeytoken-use' : 'honeypot-interaction',
        timeNs: event.timeNs,
        severity: tokenUse ? this.config.honeytokenSeverity : this.config.honeypotSeverity,
        title: tokenUse
          ? `Honeytoken ${target} used by ${key}`
          : `${key} ${mapped.what} ${decoyKind} decoy ${target}`,
        attackTechniqueIds: tokenUse ? ['T1552', 'T1078'] : mapped.techniques,
        attackTacticIds: tokenUse ? ['TA0006', 'TA0001'] : mapped.tactics,
        entityKey: key,
        entities,
        evidenceEventIds: event.id ? [event.id] : [],
        explanation:
          `${key} ${tokenUse ? 'used' : mapped.what} ${targetText}${detail ? ` (${detail})` : ''}. ` +
          (tokenUse
            ? 'Honeytokens are planted credentials that no legitimate workload holds: using one means it was stolen.'
            : 'Decoys serve nothing real, so the expected number of interactions is zero: any touch is an intruder or a misconfiguration.'),
        reasons: [
          reason(
            tokenUse ? 'deception.honeytoken_uses' : 'deception.decoy_interactions',
            1,
            0,
            'Deception assets have no legitimate users',
          ),
        ],
        confidence: tokenUse ? 0.99 : 0.95,
      },
    ];
  }
}
