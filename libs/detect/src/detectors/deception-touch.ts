// Deception touches: a login, command, query, request or honeytoken use on a decoy is critical.
//
// Nothing legitimate logs in to a decoy or holds a honeytoken, so there is no baseline: the first
// interaction of each kind per session is reported. A bare connect (or its disconnect) is only a
// low-severity event: scanners and health checks open ports, and noise is what deception's users
// complain of most. A honeytoken use means a credential was taken and tried, and is reported one
// step higher than a honeypot touch. Repeated failed logins from one source are brute force.
import { DecoyKind, EntityKind, InteractionKind, Severity, type Event } from '@omega/proto';
import { resolveConfig } from './detector-config';
import {
  evidenceOfEvent,
  reason,
  type Detector,
  type DetectorFinding,
  NO_FINDINGS,
} from './detector';
import { entity, sourceActor } from './entity-key';
import { LruMap } from './lru-map';

/**
 * Keys of Event.unmapped the deception service writes and this detector explains with; defined
 * here, where they are read, and imported by the writer.
 */
export const DECEPTION_UNMAPPED = {
  /** Where a honeytoken was planted ("env of deploy/legacy-api"). */
  placement: 'deception.placement',
  /** The honeytoken's name (a username, a Secret name). */
  honeytokenName: 'deception.honeytoken_name',
  /** The decoy's name and namespace ("build-runner in ci"). */
  decoyName: 'deception.decoy_name',
  /** The client software as it named itself (SSH identification, HTTP User-Agent). */
  client: 'deception.client',
} as const;

export interface DeceptionTouchConfig {
  /** Cap on (source, decoy, kind, session) keys remembered for de-duplication (LRU). */
  maxSessions: number;
  /** OCSF severity of a honeypot interaction. */
  honeypotSeverity: number;
  /** OCSF severity of a honeytoken use. */
  honeytokenSeverity: number;
  /** Failed logins from one source on one decoy that make a brute-force finding (T1110). */
  bruteForceAttempts: number;
}

export const DECEPTION_TOUCH_DEFAULTS: DeceptionTouchConfig = {
  maxSessions: 10_000,
  honeypotSeverity: Severity.SEVERITY_CRITICAL,
  honeytokenSeverity: Severity.SEVERITY_FATAL,
  bruteForceAttempts: 3,
};

interface Mapping {
  techniques: string[];
  tactics: string[];
  what: string;
}

/** Honeypot interactions that raise an alert; CONNECT and DISCONNECT are absent on purpose. */
const TECHNIQUES: Partial<Record<InteractionKind, Mapping>> = {
  // One failed login on a service nobody uses: an attempt on a remote service (T1021).
  [InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT]: {
    techniques: ['T1021'],
    tactics: ['TA0008'],
    what: 'tried to log in to',
  },
  [InteractionKind.INTERACTION_KIND_COMMAND]: {
    techniques: ['T1059'],
    tactics: ['TA0002'],
    what: 'sent a command to',
  },
  [InteractionKind.INTERACTION_KIND_FILE_ACCESS]: {
    techniques: ['T1083', 'T1005'],
    tactics: ['TA0007', 'TA0009'],
    what: 'read files on',
  },
};

/** A honeytoken credential presented to a decoy: a valid account used (T1078), found unsecured. */
const CREDENTIAL_USE: Mapping = {
  techniques: ['T1078', 'T1552'],
  tactics: ['TA0001', 'TA0006'],
  what: 'logged in with',
};
/** A honeytoken read or fetched where it was planted (Secret read, canary URL): T1552. */
const TOKEN_READ: Mapping = { techniques: ['T1552'], tactics: ['TA0006'], what: 'read' };
const BRUTE_FORCE: Mapping = { techniques: ['T1110'], tactics: ['TA0006'], what: 'brute-forced' };

export class DeceptionTouchDetector implements Detector {
  readonly id = 'deception-touch';
  readonly config: DeceptionTouchConfig;
  private readonly seen: LruMap<string, true>;
  /** Failed logins per (source, decoy), for brute force. */
  private readonly failures: LruMap<string, number>;
  /** Bare connects and disconnects seen: low-severity events that raised no alert. */
  lowSeverityEvents = 0;

  constructor(config?: Partial<DeceptionTouchConfig>) {
    this.config = resolveConfig(
      this.id,
      DECEPTION_TOUCH_DEFAULTS,
      {
        maxSessions: 'positive-integer',
        honeypotSeverity: 'positive-integer',
        honeytokenSeverity: 'positive-integer',
        bruteForceAttempts: 'positive-integer',
      },
      config,
    );
    this.seen = new LruMap(this.config.maxSessions);
    this.failures = new LruMap(this.config.maxSessions);
  }

  stateSize(): number {
    return this.seen.size + this.failures.size;
  }

  observe(event: Event): DetectorFinding[] {
    if (event.payload?.$case !== 'deceptionInteraction') return NO_FINDINGS;
    const touch = event.payload.value;
    const tokenUse =
      touch.kind === InteractionKind.INTERACTION_KIND_TOKEN_USE || touch.honeytokenId !== '';
    if (!tokenUse && TECHNIQUES[touch.kind] === undefined) {
      this.lowSeverityEvents += 1;
      return NO_FINDINGS;
    }
    const actor = sourceActor(event);
    const key = actor.key || 'unknown-source';
    const findings: DetectorFinding[] = [];
    if (!tokenUse && touch.kind === InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT) {
      const failuresKey = `${key}|${touch.decoyId}`;
      const failed = (this.failures.get(failuresKey) ?? 0) + 1;
      this.failures.set(failuresKey, failed);
      if (failed === this.config.bruteForceAttempts) {
        findings.push(this.#finding(event, key, actor.entities, BRUTE_FORCE, false, failed));
      }
    }
    const target = tokenUse ? touch.honeytokenId || touch.decoyId : touch.decoyId;
    const dedupe = `${key}|${target}|${touch.kind}|${touch.sessionId}`;
    if (this.seen.has(dedupe)) return findings.length > 0 ? findings : NO_FINDINGS;
    this.seen.set(dedupe, true);
    const mapped = tokenUse
      ? touch.decoyId !== '' && touch.decoyKind !== DecoyKind.DECOY_KIND_UNSPECIFIED
        ? CREDENTIAL_USE
        : TOKEN_READ
      : TECHNIQUES[touch.kind]!;
    findings.unshift(this.#finding(event, key, actor.entities, mapped, tokenUse, 1));
    return findings;
  }

  #finding(
    event: Event,
    key: string,
    actorEntities: DetectorFinding['entities'],
    mapped: Mapping,
    tokenUse: boolean,
    attempts: number,
  ): DetectorFinding {
    const touch = (event.payload as Extract<Event['payload'], { $case: 'deceptionInteraction' }>)
      .value;
    const unmapped = event.unmapped;
    const bruteForce = mapped === BRUTE_FORCE;
    const decoyKind =
      DecoyKind[touch.decoyKind]?.replace('DECOY_KIND_', '').toLowerCase() ?? 'unknown';
    const decoyName = unmapped[DECEPTION_UNMAPPED.decoyName];
    const decoyText = `${decoyKind === 'unspecified' ? '' : `${decoyKind} `}decoy ${touch.decoyId}${decoyName ? ` (${decoyName})` : ''}`;
    const placement = unmapped[DECEPTION_UNMAPPED.placement];
    const tokenName = unmapped[DECEPTION_UNMAPPED.honeytokenName];
    const tokenText = `honeytoken ${touch.honeytokenId}${tokenName ? ` "${tokenName}"` : ''}${placement ? `, planted in ${placement},` : ''}`;
    const targetText = tokenUse
      ? `${tokenText}${mapped === CREDENTIAL_USE ? ` on ${decoyText}` : ''}`
      : decoyText;
    const client = unmapped[DECEPTION_UNMAPPED.client];
    const detail = bruteForce
      ? `${attempts} failed logins, the last as user "${touch.username}"`
      : [
          touch.username && `user "${touch.username}"`,
          touch.request && `tried "${touch.request.slice(0, 120)}"`,
          touch.protocol && `over ${touch.protocol}`,
          client && `client "${client.slice(0, 80)}"`,
        ]
          .filter(Boolean)
          .join(', ');
    const entities = [
      ...actorEntities,
      tokenUse
        ? entity(EntityKind.ENTITY_KIND_HONEYTOKEN, touch.honeytokenId || touch.decoyId, false)
        : entity(EntityKind.ENTITY_KIND_DECOY, touch.decoyId, false),
    ];
    if (touch.username) entities.push(entity(EntityKind.ENTITY_KIND_USER, touch.username));
    const title = tokenUse
      ? `Honeytoken ${touch.honeytokenId || touch.decoyId} used by ${key}`
      : `${key} ${mapped.what} ${decoyText}`;
    return {
      detectorId: this.id,
      kind: bruteForce ? 'decoy-brute-force' : tokenUse ? 'honeytoken-use' : 'honeypot-interaction',
      timeNs: event.timeNs,
      severity: tokenUse ? this.config.honeytokenSeverity : this.config.honeypotSeverity,
      title,
      attackTechniqueIds: [...mapped.techniques],
      attackTacticIds: [...mapped.tactics],
      entityKey: key,
      entities,
      ...evidenceOfEvent(event),
      explanation:
        `${key} ${mapped.what} ${targetText}${detail ? ` (${detail})` : ''}. ` +
        (tokenUse
          ? 'Honeytokens are planted credentials that no legitimate workload holds: using one means it was stolen.'
          : 'Decoys serve nothing real, so the expected number of logins, commands and requests is zero: this is an intruder or a misconfiguration.'),
      reasons: [
        bruteForce
          ? reason(
              'deception.failed_logins',
              attempts,
              this.config.bruteForceAttempts,
              'Failed logins from one source on one decoy',
            )
          : reason(
              tokenUse ? 'deception.honeytoken_uses' : 'deception.decoy_interactions',
              1,
              0,
              'Deception assets have no legitimate users',
            ),
      ],
      confidence: tokenUse ? 0.99 : 0.95,
    };
  }
}
