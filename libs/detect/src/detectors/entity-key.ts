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

let sourceStateOf: Event | undefined;
let sourceStateMemo: string | number = '';

/**
 * The key a detector's per-source map holds the source under: for a bare IPv4 source (no workload),
 * the address as a 32-bit integer, else `sourceKey`. A sweep brings a new source with every event;
 * a number is hashed without building or keeping a string. Distinct sources never share a key: a
 * number and a string are never equal, and only canonical dotted quads become numbers.
 */
export function sourceStateKey(event: Event): string | number {
  if (event !== sourceStateOf) {
    const key = sourceKey(event);
    const ipv4 = key.startsWith('ip:') ? ipv4Number(key, 3) : undefined;
    sourceStateMemo = ipv4 ?? key;
    sourceStateOf = event;
  }
  return sourceStateMemo;
}

/** The canonical dotted quad starting at `from` (no leading zeros) as a signed 32-bit integer. */
/**
 * The key of a (source, host, port) service a source reached. For a bare IPv4 source (`stateKey` a
 * number), an IPv4 host and a 16-bit port, the 80 bits as a five-character string of 16-bit code
 * units: a map at its cap holds one per event of a sweep, and this one is built in one step and is
 * about a third the size of `source>host:port`. Any other triple gets that longer text, which
 * always contains '>' and is longer than five characters, so the two forms never meet.
 */
export function reachedServiceKey(
  stateKey: string | number,
  source: string,
  host: string,
  port: number,
): string {
  if (typeof stateKey === 'number' && port >= 0 && port <= 0xffff) {
    const hostNumber = ipv4Number(host, 0);
    if (hostNumber !== undefined) {
      return String.fromCharCode(
        stateKey >>> 16,
        stateKey & 0xffff,
        hostNumber >>> 16,
        hostNumber & 0xffff,
        port,
      );
    }
  }
  return source + '>' + host + ':' + port;
}

function ipv4Number(text: string, from: number): number | undefined {
  let value = 0;
  let octets = 0;
  let at = from;
  while (octets < 4) {
    const start = at;
    let octet = 0;
    while (at < text.length && at - start < 3) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      octet = octet * 10 + digit;
      at++;
    }
    const length = at - start;
    if (length === 0 || octet > 255 || (length > 1 && text.charCodeAt(start) === 48))
      return undefined;
    value = (value << 8) | octet;
    octets++;
    if (octets < 4) {
      if (text.charCodeAt(at) !== 46) return undefined;
      at++;
    }
  }
  return at === text.length ? value : undefined;
}

/** The state key of the receiving side: the destination endpoint and its workload, if known. */
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
  const namespace = workload?.namespace ?? '';
  const pod = workload?.pod ?? '';
  const serviceAccount = workload?.serviceAccount ?? '';
  let key = '';
  if (pod) key = `pod:${namespace}/${pod}`;
  else if (serviceAccount) key = `sa:${namespace}/${serviceAccount}`;
  else if (ip) key = `ip:${ip}`;
  return { key, entities: entitiesOf(namespace, pod, serviceAccount, ip), ip };
}

function entitiesOf(
  namespace: string,
  pod: string,
  serviceAccount: string,
  ip: string,
  isActor = true,
  entities: Entity[] = [],
): Entity[] {
  if (pod) entities.push(entity(EntityKind.ENTITY_KIND_POD, `${namespace}/${pod}`, isActor));
  if (serviceAccount) {
    const sa = `${namespace}/${serviceAccount}`;
    entities.push(entity(EntityKind.ENTITY_KIND_SERVICE_ACCOUNT, sa, isActor));
  }
  if (namespace) entities.push(entity(EntityKind.ENTITY_KIND_NAMESPACE, namespace, isActor));
  if (ip) entities.push(entity(EntityKind.ENTITY_KIND_IP_ADDRESS, ip, isActor));
  return entities;
}

/**
 * Both sides of a connection: the source's entities, then the destination's marked as targets
 * (`isActor` false), built in one array.
 */
export function connectionEntities(event: Event): Entity[] {
  const entities: Entity[] = [];
  const src = event.srcEndpoint;
  const from = src?.workload ?? event.workload;
  entitiesOf(
    from?.namespace ?? '',
    from?.pod ?? '',
    from?.serviceAccount ?? '',
    src?.ip ?? '',
    true,
    entities,
  );
  const dst = event.dstEndpoint;
  const to = dst?.workload;
  entitiesOf(
    to?.namespace ?? '',
    to?.pod ?? '',
    to?.serviceAccount ?? '',
    dst?.ip ?? '',
    false,
    entities,
  );
  return entities;
}

/**
 * The acting side of an event as plain fields, copied into long-lived, reused per-entity state
 * (copying references allocates nothing); `entities()` builds the same list as `sourceActor` when a
 * finding needs it.
 */
export class ActorIdentity {
  namespace = '';
  pod = '';
  serviceAccount = '';
  ip = '';

  /** Takes the source side of `event`, as `sourceActor` reads it. */
  assignSource(event: Event): void {
    const workload = event.srcEndpoint?.workload ?? event.workload;
    this.namespace = workload?.namespace ?? '';
    this.pod = workload?.pod ?? '';
    this.serviceAccount = workload?.serviceAccount ?? '';
    this.ip = event.srcEndpoint?.ip ?? '';
  }

  /** The entities `sourceActor` gives for the event last assigned (a new array each call). */
  entities(): Entity[] {
    return entitiesOf(this.namespace, this.pod, this.serviceAccount, this.ip);
  }
}

export function entity(kind: EntityKind, value: string, isActor = true): Entity {
  return { kind, value, displayName: value, isActor };
}
