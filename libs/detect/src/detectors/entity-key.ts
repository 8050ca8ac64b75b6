// Who an event is about: the workload identity (pod, service account) when the event carries it, else the IP.
import {
  EntityKind,
  type Entity,
  type Event,
  type NetworkEndpoint,
  type Workload,
} from '@omega/proto';

export interface EventActor {
  /** State key: `pod:<ns>/<pod>`, else `sa:<ns>/<serviceAccount>`, else `ip:<addr>`; '' if none. */
  key: string;
  entities: Entity[];
  ip: string;
}

/** The acting side of a network, DNS or deception event: the source endpoint and its workload. */
export function sourceActor(event: Event): EventActor {
  return actorOf(event.srcEndpoint, event.srcEndpoint?.workload ?? event.workload);
}

/** The receiving side: the destination endpoint and its workload, if known. */
export function destinationActor(event: Event): EventActor {
  return actorOf(event.dstEndpoint, event.dstEndpoint?.workload);
}

// Every detector of a set asks for the same event's keys. The last event's keys are kept, so the
// string is built once per event and the same string instance (whose hash V8 caches) is looked up
// in every detector's map. Keys are a pure function of the event, which detectors never modify;
// detector-fast-path.spec.ts checks the results equal those of building each key afresh.
let sourceOf: Event | undefined;
let sourceMemo = '';
let destinationOf: Event | undefined;
let destinationMemo = '';

/** Just the state key of `sourceActor` (no entity list): the per-event fast path. */
export function sourceKey(event: Event): string {
  if (event !== sourceOf) {
    sourceMemo = keyOf(event.srcEndpoint, event.srcEndpoint?.workload ?? event.workload);
    sourceOf = event;
  }
  return sourceMemo;
}

/** Just the state key of `destinationActor`. */
export function destinationKey(event: Event): string {
  if (event !== destinationOf) {
    destinationMemo = keyOf(event.dstEndpoint, event.dstEndpoint?.workload);
    destinationOf = event;
  }
  return destinationMemo;
}

function keyOf(endpoint: NetworkEndpoint | undefined, workload: Workload | undefined): string {
  if (workload?.pod) return 'pod:' + workload.namespace + '/' + workload.pod;
  if (workload?.serviceAccount) return 'sa:' + workload.namespace + '/' + workload.serviceAccount;
  return endpoint?.ip ? 'ip:' + endpoint.ip : '';
}

function actorOf(
  endpoint: NetworkEndpoint | undefined,
  workload: Workload | undefined,
): EventActor {
  const ip = endpoint?.ip ?? '';
  const entities: Entity[] = [];
  let key = '';
  if (workload?.pod) {
    key = `pod:${workload.namespace}/${workload.pod}`;
    entities.push(entity(EntityKind.ENTITY_KIND_POD, `${workload.namespace}/${workload.pod}`));
  }
  if (workload?.serviceAccount) {
    const sa = `${workload.namespace}/${workload.serviceAccount}`;
    if (!key) key = `sa:${sa}`;
    entities.push(entity(EntityKind.ENTITY_KIND_SERVICE_ACCOUNT, sa));
  }
  if (workload?.namespace)
    entities.push(entity(EntityKind.ENTITY_KIND_NAMESPACE, workload.namespace));
  if (ip) {
    if (!key) key = `ip:${ip}`;
    entities.push(entity(EntityKind.ENTITY_KIND_IP_ADDRESS, ip));
  }
  return { key, entities, ip };
}

export function entity(kind: EntityKind, value: string, isActor = true): Entity {
  return { kind, value, displayName: value, isActor };
}

/** Marks entities as the target side (isActor false). */
export function asTargets(entities: Entity[]): Entity[] {
  return entities.map((e) => ({ ...e, isActor: false }));
}
