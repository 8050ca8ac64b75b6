// Sigma's Linux taxonomy mapped onto Omega's OCSF-aligned Event: which Sigma field reads which
// Event field, per logsource category (the kernel telemetry's categories: field-mapping-system.ts). Unmapped fields are rejected at compile time, by name.
// Over 400 lines on purpose: the whole Sigma-to-Omega field table, every logsource in one table read in one place.
import { Code, OmegaError } from '@omega/errors';
import {
  Actor,
  DnsActivity,
  DnsActivityId,
  DnsAnswer,
  DnsQuery,
  Event,
  EventClass,
  IpProtocol,
  NetworkActivity,
  NetworkActivityId,
  NetworkDirection,
  NetworkEndpoint,
  Process,
  ProcessAction,
  ProcessActivity,
  ProcessActivityId,
  User,
  Workload,
} from '@omega/proto';
import { systemCategories } from './field-mapping-system';

/** What a field read yields: text, a number, a flag, several values (any may match), or nothing. */
export type FieldValue = string | number | boolean | readonly string[] | undefined;

export type FieldType = 'string' | 'number' | 'boolean' | 'strings';

export interface SigmaFieldMapping {
  readonly sigmaField: string;
  /** The Event path it reads (proto field names), for docs and explanations. */
  readonly omegaField: string;
  readonly type: FieldType;
  /** Reads the field; proto3 cannot tell empty from absent, so "" and 0 ids read as absent. */
  readonly read: (event: Event) => FieldValue;
  /** Sets the field on an event being built from Sigma-shaped samples (rule tests, generators). */
  readonly write: (event: Event, value: string | number | boolean) => void;
  /** Dense index across all categories, for per-event caches. */
  readonly slot: number;
}

export interface SigmaLogsourceMapping {
  readonly category: string;
  readonly eventClass: EventClass;
  /** Which events of the class the category covers (e.g. process_creation: LAUNCH only). */
  readonly accepts: (event: Event) => boolean;
  readonly fields: ReadonlyMap<string, SigmaFieldMapping>;
  /** Builds an empty event of this category, for samples. */
  readonly newEvent: () => Event;
}

type FieldSpec = Omit<SigmaFieldMapping, 'sigmaField' | 'slot'>;

let nextSlot = 0;

function category(
  name: string,
  eventClass: EventClass,
  accepts: (event: Event) => boolean,
  newEvent: () => Event,
  specs: Record<string, FieldSpec>,
): SigmaLogsourceMapping {
  const fields = new Map<string, SigmaFieldMapping>();
  for (const [sigmaField, spec] of Object.entries({ ...specs, ...workloadFields() })) {
    fields.set(sigmaField, { ...spec, sigmaField, slot: nextSlot++ });
  }
  return { category: name, eventClass, accepts, fields, newEvent };
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function id(value: number | undefined): number | undefined {
  return value === undefined || value === 0 ? undefined : value;
}

/** An event with every field at its proto default, but informational severity (1), for samples. */
function emptyEvent(): Event {
  return Event.fromPartial({ severity: 1 });
}

// --- process_creation: Event.actor.process is the parent, process_activity.process the child ---

function launched(event: Event): Process | undefined {
  return event.payload?.$case === 'processActivity' ? event.payload.value.process : undefined;
}

function parentOf(event: Event): Process | undefined {
  return launched(event)?.parent ?? event.actor?.process;
}

function launchedForWrite(event: Event): Process {
  if (event.payload?.$case !== 'processActivity')
    throw new OmegaError(Code.InvalidArgument, 'not a process event');
  event.payload.value.process ??= Process.fromPartial({});
  return event.payload.value.process;
}

function actorProcessForWrite(event: Event): Process {
  event.actor ??= Actor.fromPartial({});
  event.actor.process ??= Process.fromPartial({});
  return event.actor.process;
}

const processFields: Record<string, FieldSpec> = {
  Image: {
    omegaField: 'process_activity.process.executable_path',
    type: 'string',
    read: (e) => text(launched(e)?.executablePath),
    write: (e, v) => void (launchedForWrite(e).executablePath = String(v)),
  },
  CommandLine: {
    omegaField: 'process_activity.process.cmd_line',
    type: 'string',
    read: (e) => text(launched(e)?.cmdLine),
    write: (e, v) => void (launchedForWrite(e).cmdLine = String(v)),
  },
  CurrentDirectory: {
    omegaField: 'process_activity.process.working_directory',
    type: 'string',
    read: (e) => text(launched(e)?.workingDirectory),
    write: (e, v) => void (launchedForWrite(e).workingDirectory = String(v)),
  },
  ProcessId: {
    omegaField: 'process_activity.process.pid',
    type: 'number',
    read: (e) => id(launched(e)?.pid),
    write: (e, v) => void (launchedForWrite(e).pid = Number(v)),
  },
  User: {
    omegaField: 'process_activity.process.user.name',
    type: 'string',
    read: (e) => text(launched(e)?.user?.name),
    write: (e, v) => void (launchedForWrite(e).user = User.fromPartial({ name: String(v) })),
  },
  ParentImage: {
    omegaField: 'process_activity.process.parent.executable_path | actor.process.executable_path',
    type: 'string',
    read: (e) => text(parentOf(e)?.executablePath),
    write: (e, v) => void (actorProcessForWrite(e).executablePath = String(v)),
  },
  ParentCommandLine: {
    omegaField: 'process_activity.process.parent.cmd_line | actor.process.cmd_line',
    type: 'string',
    read: (e) => text(parentOf(e)?.cmdLine),
    write: (e, v) => void (actorProcessForWrite(e).cmdLine = String(v)),
  },
  ParentProcessId: {
    omegaField: 'process_activity.process.parent.pid | actor.process.pid',
    type: 'number',
    read: (e) => id(parentOf(e)?.pid),
    write: (e, v) => void (actorProcessForWrite(e).pid = Number(v)),
  },
};

// --- network_connection: the actor's connection; src_endpoint is the initiator (OCSF) ---

function network(event: Event): NetworkActivity | undefined {
  return event.payload?.$case === 'networkActivity' ? event.payload.value : undefined;
}

function networkForWrite(event: Event): NetworkActivity {
  if (event.payload?.$case !== 'networkActivity')
    throw new OmegaError(Code.InvalidArgument, 'not a network event');
  return event.payload.value;
}

const PROTOCOL_NAMES: ReadonlyMap<IpProtocol, string> = new Map([
  [IpProtocol.IP_PROTOCOL_ICMP, 'icmp'],
  [IpProtocol.IP_PROTOCOL_TCP, 'tcp'],
  [IpProtocol.IP_PROTOCOL_UDP, 'udp'],
  [IpProtocol.IP_PROTOCOL_ICMPV6, 'icmpv6'],
  [IpProtocol.IP_PROTOCOL_SCTP, 'sctp'],
]);

function protocolNumber(name: string): IpProtocol {
  for (const [number, known] of PROTOCOL_NAMES) if (known === name.toLowerCase()) return number;
  return IpProtocol.IP_PROTOCOL_UNSPECIFIED;
}

/**
 * Sysmon's Initiated ("the process initiated the connection"): OUTBOUND and LATERAL flows are
 * attributed to the initiating side's actor (OCSF src_endpoint is the initiator), INBOUND ones to
 * the accepting side; unspecified direction reads as absent.
 */
function initiated(event: Event): string | undefined {
  switch (network(event)?.direction) {
    case NetworkDirection.NETWORK_DIRECTION_OUTBOUND:
    case NetworkDirection.NETWORK_DIRECTION_LATERAL:
      return 'true';
    case NetworkDirection.NETWORK_DIRECTION_INBOUND:
      return 'false';
    default:
      return undefined;
  }
}

function endpointFields(
  side: 'src' | 'dst',
  prefix: 'Source' | 'Destination',
): Record<string, FieldSpec> {
  const key = side === 'src' ? 'srcEndpoint' : 'dstEndpoint';
  const forWrite = (e: Event): NetworkEndpoint => (e[key] ??= NetworkEndpoint.fromPartial({}));
  return {
    [`${prefix}Ip`]: {
      omegaField: `${side}_endpoint.ip`,
      type: 'string',
      read: (e) => text(e[key]?.ip),
      write: (e, v) => void (forWrite(e).ip = String(v)),
    },
    [`${prefix}Port`]: {
      omegaField: `${side}_endpoint.port`,
      type: 'number',
      read: (e) => id(e[key]?.port),
      write: (e, v) => void (forWrite(e).port = Number(v)),
    },
    [`${prefix}Hostname`]: {
      omegaField: `${side}_endpoint.hostname`,
      type: 'string',
      read: (e) => text(e[key]?.hostname),
      write: (e, v) => void (forWrite(e).hostname = String(v)),
    },
  };
}

/** Image/User/ProcessId/CommandLine of the actor, for categories whose subject is the actor. */
function actorFields(): Record<string, FieldSpec> {
  return {
    Image: {
      omegaField: 'actor.process.executable_path',
      type: 'string',
      read: (e) => text(e.actor?.process?.executablePath),
      write: (e, v) => void (actorProcessForWrite(e).executablePath = String(v)),
    },
    CommandLine: {
      omegaField: 'actor.process.cmd_line',
      type: 'string',
      read: (e) => text(e.actor?.process?.cmdLine),
      write: (e, v) => void (actorProcessForWrite(e).cmdLine = String(v)),
    },
    ProcessId: {
      omegaField: 'actor.process.pid',
      type: 'number',
      read: (e) => id(e.actor?.process?.pid),
      write: (e, v) => void (actorProcessForWrite(e).pid = Number(v)),
    },
    User: {
      omegaField: 'actor.user.name | actor.process.user.name',
      type: 'string',
      read: (e) => text(e.actor?.user?.name) ?? text(e.actor?.process?.user?.name),
      write: (e, v) => {
        e.actor ??= Actor.fromPartial({});
        e.actor.user = User.fromPartial({ name: String(v) });
      },
    },
  };
}

const networkFields: Record<string, FieldSpec> = {
  ...actorFields(),
  ...endpointFields('src', 'Source'),
  ...endpointFields('dst', 'Destination'),
  Initiated: {
    omegaField: 'network_activity.direction (OUTBOUND/LATERAL → true, INBOUND → false)',
    type: 'string',
    read: initiated,
    write: (e, v) => {
      const flag = String(v).toLowerCase();
      networkForWrite(e).direction =
        flag === 'true'
          ? NetworkDirection.NETWORK_DIRECTION_OUTBOUND
          : flag === 'false'
            ? NetworkDirection.NETWORK_DIRECTION_INBOUND
            : NetworkDirection.NETWORK_DIRECTION_UNSPECIFIED;
    },
  },
  Protocol: {
    omegaField: 'network_activity.protocol (lower-case name: tcp, udp, icmp, icmpv6, sctp)',
    type: 'string',
    read: (e) => {
      const protocol = network(e)?.protocol;
      return protocol === undefined ? undefined : PROTOCOL_NAMES.get(protocol);
    },
    write: (e, v) => void (networkForWrite(e).protocol = protocolNumber(String(v))),
  },
};

// --- dns_query (Sysmon-style) and dns (Zeek-style) ---

function dns(event: Event): DnsActivity | undefined {
  return event.payload?.$case === 'dnsActivity' ? event.payload.value : undefined;
}

function dnsForWrite(event: Event): DnsActivity {
  if (event.payload?.$case !== 'dnsActivity')
    throw new OmegaError(Code.InvalidArgument, 'not a DNS event');
  return event.payload.value;
}

function queryForWrite(event: Event): NonNullable<DnsActivity['query']> {
  const activity = dnsForWrite(event);
  activity.query ??= DnsQuery.fromPartial({});
  return activity.query;
}

function answers(event: Event): readonly string[] | undefined {
  const list = dns(event)?.answers;
  if (!list || list.length === 0) return undefined;
  return list.map((answer) => answer.rdata);
}

function addAnswer(event: Event, value: string | number | boolean): void {
  dnsForWrite(event).answers.push(DnsAnswer.fromPartial({ rdata: String(value) }));
}

const queryName: FieldSpec = {
  omegaField: 'dns_activity.query.hostname',
  type: 'string',
  read: (e) => text(dns(e)?.query?.hostname),
  write: (e, v) => void (queryForWrite(e).hostname = String(v)),
};

const recordType: FieldSpec = {
  omegaField: 'dns_activity.query.type',
  type: 'string',
  read: (e) => text(dns(e)?.query?.type),
  write: (e, v) => void (queryForWrite(e).type = String(v)),
};

const answerData: FieldSpec = {
  omegaField: 'dns_activity.answers[].rdata (any answer)',
  type: 'strings',
  read: answers,
  write: addAnswer,
};

const dnsQueryFields: Record<string, FieldSpec> = {
  ...actorFields(),
  QueryName: queryName,
  QueryType: recordType,
  QueryResults: answerData,
};

const dnsFields: Record<string, FieldSpec> = {
  query: queryName,
  record_type: recordType,
  answer: answerData,
  'id.orig_h': { ...endpointFields('src', 'Source')['SourceIp']! },
  'id.resp_h': { ...endpointFields('dst', 'Destination')['DestinationIp']! },
  rcode: {
    omegaField: 'dns_activity.rcode',
    type: 'number',
    read: (e) => dns(e)?.rcode,
    write: (e, v) => void (dnsForWrite(e).rcode = Number(v)),
  },
};

// --- Omega extensions available in every category: where in Kubernetes it happened ---

function workloadFields(): Record<string, FieldSpec> {
  const field = (name: keyof Omit<Workload, 'podLabels'>, path: string): FieldSpec => ({
    omegaField: `workload.${path}`,
    type: 'string',
    read: (e) => text(e.workload?.[name]),
    write: (e, v) => void ((e.workload ??= Workload.fromPartial({}))[name] = String(v)),
  });
  return {
    'omega.node': {
      omegaField: 'node',
      type: 'string',
      read: (e) => text(e.node),
      write: (e, v) => void (e.node = String(v)),
    },
    'omega.namespace': field('namespace', 'namespace'),
    'omega.pod': field('pod', 'pod'),
    'omega.container': field('container', 'container'),
    'omega.container_image': field('image', 'image'),
    'omega.service_account': field('serviceAccount', 'service_account'),
  };
}

export const SIGMA_LOGSOURCE_MAPPINGS: ReadonlyMap<string, SigmaLogsourceMapping> = new Map(
  [
    category(
      'process_creation',
      EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
      (e) =>
        e.payload?.$case === 'processActivity' &&
        e.payload.value.activityId === ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH &&
        // a memfd exec's own record (memfd_exec) is not a second launch of the same exec
        e.payload.value.action === ProcessAction.PROCESS_ACTION_UNSPECIFIED,
      () => ({
        ...emptyEvent(),
        classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
        payload: {
          $case: 'processActivity',
          value: ProcessActivity.fromPartial({
            activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
            process: {},
          }),
        },
      }),
      processFields,
    ),
    category(
      'network_connection',
      EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
      (e) => e.payload?.$case === 'networkActivity',
      () => ({
        ...emptyEvent(),
        classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
        payload: {
          $case: 'networkActivity',
          value: NetworkActivity.fromPartial({
            activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN,
            protocol: IpProtocol.IP_PROTOCOL_TCP,
          }),
        },
      }),
      networkFields,
    ),
    ...(['dns_query', 'dns'] as const).map((name) =>
      category(
        name,
        EventClass.EVENT_CLASS_DNS_ACTIVITY,
        // dns_query (Sysmon's DNS query event) is a client asking: a resolver's answer carries the
        // resolver as source and would put the resolver in every alert. `dns` sees both directions.
        name === 'dns'
          ? (e) => e.payload?.$case === 'dnsActivity'
          : (e) =>
              e.payload?.$case === 'dnsActivity' &&
              e.payload.value.activityId !== DnsActivityId.DNS_ACTIVITY_ID_RESPONSE,
        () => ({
          ...emptyEvent(),
          classUid: EventClass.EVENT_CLASS_DNS_ACTIVITY,
          payload: {
            $case: 'dnsActivity',
            value: DnsActivity.fromPartial({
              activityId: DnsActivityId.DNS_ACTIVITY_ID_QUERY,
              protocol: IpProtocol.IP_PROTOCOL_UDP,
            }),
          },
        }),
        name === 'dns' ? dnsFields : dnsQueryFields,
      ),
    ),
    ...systemCategories(category),
  ].map((mapping) => [mapping.category, mapping]),
);

/** How many field slots exist across all categories (size of per-event caches). */
export const FIELD_SLOT_COUNT = nextSlot;

/**
 * Logsource categories Omega cannot evaluate, with the reason a rule using one is rejected.
 * Products and services other than Linux nodes are rejected in logsource.ts.
 */
export const UNSUPPORTED_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['image_load', 'Omega events carry no library loads'],
  ['process_termination', 'the Sigma taxonomy for process_termination is not mapped yet'],
  ['process_access', 'Omega events carry no process access'],
  ['registry_event', 'Linux nodes have no registry'],
  ['registry_set', 'Linux nodes have no registry'],
  ['registry_add', 'Linux nodes have no registry'],
  ['registry_delete', 'Linux nodes have no registry'],
]);

/**
 * Builds an Omega event of a category from Sigma-shaped field values (what a rule author writes in
 * a sample), e.g. `{ Image: '/usr/bin/curl', CommandLine: 'curl http://x' }`.
 */
export function eventFromSigmaFields(
  categoryName: string,
  fields: Readonly<Record<string, string | number | boolean>>,
): Event {
  const mapping = SIGMA_LOGSOURCE_MAPPINGS.get(categoryName);
  if (!mapping)
    throw new OmegaError(Code.InvalidArgument, `unknown logsource category '${categoryName}'`);
  const event = mapping.newEvent();
  for (const [name, value] of Object.entries(fields)) {
    const field = mapping.fields.get(name);
    if (!field)
      throw new OmegaError(Code.InvalidArgument, `category ${categoryName} has no field '${name}'`);
    field.write(event, value);
  }
  return event;
}

/** Reads every mapped field of an event as its Sigma category sees it (absent fields are left out). */
export function sigmaFieldsOfEvent(
  categoryName: string,
  event: Event,
): Record<string, string | number | boolean | string[]> {
  const mapping = SIGMA_LOGSOURCE_MAPPINGS.get(categoryName);
  if (!mapping)
    throw new OmegaError(Code.InvalidArgument, `unknown logsource category '${categoryName}'`);
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [name, field] of mapping.fields) {
    const value = field.read(event);
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? [...value] : (value as string | number | boolean);
  }
  return out;
}
