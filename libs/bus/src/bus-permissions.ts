// Who may do what on the bus: one row per workload identity, expanded into the NATS publish and
// subscribe permissions (JetStream API subjects included) that trust signs into each connection's
// user JWT and that trust's own server-config user gets. docs/bus-permissions.md is this table in
// words; bus-permissions.nats.spec.ts checks each identity against a real nats-server.
import { streamConfig, type KvName, type ObjName, type StreamName } from './resources';

/** The workload kinds trust issues identities to (`omega://<cluster>/<kind>/<name>`). */
export type BusIdentityKind = 'service' | 'sentinel' | 'edge' | 'operator';

export interface BusIdentity {
  readonly kind: BusIdentityKind;
  readonly name: string;
}

/** NATS permissions in the server's own shape (config `permissions {}` and user JWT `pub`/`sub`). */
export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  /** Replies to requests it receives (trust answering the server's authorization requests). */
  readonly allowResponses: boolean;
}

/** One workload's row. Streams and buckets not named here are out of its reach entirely. */
interface BusRow {
  /** Streams it reads (consumers, direct gets) and may create if missing, never update. */
  readonly read?: readonly StreamName[];
  /** Subjects it publishes to, per stream; it may create those streams if missing. */
  readonly publish?: Partial<Record<StreamName, readonly string[]>>;
  /** Streams whose configuration it keeps (provision's updates): one owner per stream. */
  readonly own?: readonly (StreamName | `KV_${Bucket}` | `OBJ_${ObjName}`)[];
  /** Buckets it reads (gets, watches). */
  readonly kvRead?: readonly Bucket[];
  /** Keys it writes (puts, deletes), per bucket; `>` is every key. */
  readonly kvWrite?: Partial<Record<Bucket, readonly string[]>>;
  readonly objectRead?: readonly ObjName[];
  /** Object stores it puts new objects in (chunks and metadata; never purges or deletes). */
  readonly objectWrite?: readonly ObjName[];
  /** Core NATS subjects it subscribes to besides its own inbox. */
  readonly subscribe?: readonly string[];
  readonly allowResponses?: boolean;
}

/** ARCHITECTURE.md's buckets, and trust's private one for the audit log's tiles. */
type Bucket = KvName | 'omega_audit_tiles';

/** Every workload reads the identities bucket: trust's CA, identity records, revocations. */
const EVERYONE: BusRow = { kvRead: ['omega_identities'] };

/** The subject a NATS server sends authorization requests to (auth callout). */
export const AUTH_CALLOUT_SUBJECT = '$SYS.REQ.USER.AUTH';

const SERVICE_ROWS: Readonly<Record<string, BusRow>> = {
  trust: {
    publish: { AUDIT: ['omega.audit.leaves', 'omega.audit.checkpoints'] },
    read: ['AUDIT', 'DLQ'],
    own: ['AUDIT', 'DLQ', 'KV_omega_identities', 'KV_omega_audit_tiles'],
    kvRead: ['omega_audit_tiles'],
    kvWrite: { omega_identities: ['>'], omega_audit_tiles: ['>'] },
    subscribe: [AUTH_CALLOUT_SUBJECT],
    allowResponses: true,
  },
  intelligence: {
    read: ['TELEMETRY', 'ALERTS', 'DECEPTION'],
    publish: {
      ALERTS: ['omega.alerts.>'],
      DLQ: ['omega.dlq.TELEMETRY.>', 'omega.dlq.ALERTS.>', 'omega.dlq.DECEPTION.>'],
    },
    own: ['TELEMETRY', 'ALERTS'],
    kvRead: ['omega_policy'],
    kvWrite: { omega_policy: ['detection.>'] },
  },
  orchestrator: {
    read: ['ALERTS', 'TASKS', 'WORKFLOWS'],
    publish: {
      TASKS: ['omega.tasks.>'],
      WORKFLOWS: ['omega.wf.>'],
      DLQ: ['omega.dlq.ALERTS.>', 'omega.dlq.TASKS.>', 'omega.dlq.WORKFLOWS.>'],
    },
    own: ['TASKS', 'WORKFLOWS', 'KV_omega_policy', 'KV_omega_playbooks'],
    kvRead: ['omega_policy', 'omega_playbooks'],
    kvWrite: { omega_policy: ['block.>'], omega_playbooks: ['>'] },
  },
  deception: {
    publish: { DECEPTION: ['omega.deception.>'], DLQ: [] },
    // ListInteractions reads its own events back; the interaction auditor consumes them; the
    // honeytoken file opens the sentinels report there are counted as uses.
    read: ['DECEPTION'],
    own: ['DECEPTION', 'KV_omega_decoys', 'KV_omega_tokens'],
    kvRead: ['omega_decoys', 'omega_tokens'],
    // the watched files of its file honeytokens, which every sentinel applies
    kvWrite: { omega_decoys: ['>'], omega_tokens: ['>'], omega_policy: ['filewatch.>'] },
  },
  // Observed flows from telemetry, alerted pods from alerts, decoys as graph vertices; its own
  // bucket keeps what it observed across restarts.
  twin: {
    read: ['TELEMETRY', 'ALERTS'],
    own: ['KV_omega_twin'],
    kvRead: ['omega_twin', 'omega_decoys'],
    kvWrite: { omega_twin: ['>'] },
  },
  gateway: {
    read: ['ALERTS'],
    own: ['KV_omega_gateway_tokens'],
    kvRead: ['omega_gateway_tokens'],
    kvWrite: { omega_gateway_tokens: ['>'] },
  },
};

/**
 * Sentinels: their own node's telemetry and blocks, the policy every node applies (blocks, watched
 * files), modules, and the opens of honeytoken files they saw on their node.
 */
function sentinelRow(node: string): BusRow {
  return {
    publish: {
      TELEMETRY: [`omega.telemetry.*.${node}`],
      DECEPTION: [`omega.deception.file.${node}`],
      DLQ: [],
    },
    kvRead: ['omega_policy'],
    kvWrite: { omega_policy: [`block.${node}.>`] },
    objectRead: ['omega_modules'],
    own: ['OBJ_omega_modules'],
  };
}

/**
 * Operators (the CLI, the demo): read everything that is theirs to inspect; write only module
 * deployments (`omega modules push`: the bytes to omega_modules, `module.<name>` in omega_policy),
 * which every sentinel verifies against trust's logged attestation before anything runs.
 */
const OPERATOR_ROW: BusRow = {
  read: ['TELEMETRY', 'ALERTS', 'WORKFLOWS', 'AUDIT', 'DECEPTION', 'DLQ'],
  kvRead: ['omega_policy', 'omega_playbooks', 'omega_decoys', 'omega_tokens', 'omega_twin'],
  kvWrite: { omega_policy: ['module.>'] },
  objectWrite: ['omega_modules'],
};

/**
 * The row for `who`, or undefined when it may not use the bus at all (an unknown service, an edge
 * host: the overlay has no bus access yet). A name must be a subject-safe token.
 */
function rowOf(who: BusIdentity): BusRow | undefined {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(who.name)) return undefined;
  switch (who.kind) {
    case 'service':
      return Object.hasOwn(SERVICE_ROWS, who.name) ? SERVICE_ROWS[who.name] : undefined;
    case 'sentinel':
      return who.name.includes('.') ? undefined : sentinelRow(who.name);
    case 'operator':
      return OPERATOR_ROW;
    default:
      return undefined;
  }
}

/**
 * The prefix of `who`'s reply subjects (`_INBOX_<kind>_<name>`): each identity subscribes to its
 * own inbox only, so no workload reads another's replies. Dots in names become '_', which names
 * cannot contain, so two identities never share a prefix.
 */
export function inboxPrefixFor(who: BusIdentity): string {
  return `_INBOX_${who.kind}_${who.name.replace(/\./g, '_')}`;
}

/** NATS permissions for `who`, or undefined when its identity has no row (refuse to connect). */
export function busPermissionsFor(who: BusIdentity): NatsPermissions | undefined {
  const row = rowOf(who);
  if (row === undefined) return undefined;
  const publish = new Set<string>(['$JS.API.INFO']);
  const subscribe = new Set<string>([`${inboxPrefixFor(who)}.>`, ...(row.subscribe ?? [])]);
  const streamNames = (names: readonly string[]) => {
    for (const name of names) {
      publish.add(`$JS.API.STREAM.INFO.${name}`);
      // Creating a missing stream is allowed to every user of it (provision, whoever starts
      // first): a create with another configuration fails on an existing stream, so it cannot
      // weaken one; only the owner's provision updates a stream that drifted.
      publish.add(`$JS.API.STREAM.CREATE.${name}`);
    }
  };
  const reads = (names: readonly string[]) => {
    streamNames(names);
    for (const name of names) {
      for (const api of [
        `$JS.API.CONSUMER.CREATE.${name}`,
        `$JS.API.CONSUMER.CREATE.${name}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${name}.>`,
        `$JS.API.CONSUMER.INFO.${name}.>`,
        `$JS.API.CONSUMER.DELETE.${name}.>`,
        `$JS.API.CONSUMER.MSG.NEXT.${name}.>`,
        `$JS.API.STREAM.MSG.GET.${name}`,
        `$JS.API.DIRECT.GET.${name}`,
        `$JS.API.DIRECT.GET.${name}.>`,
        `$JS.ACK.${name}.>`,
        `$JS.FC.${name}.>`,
      ]) {
        publish.add(api);
      }
    }
  };
  reads(row.read ?? []);
  // A reader of a stream may also watch its subjects live (a core subscription: what the demo's
  // observer and trust's checkpoint watch do); it sees nothing a consumer would not show it.
  for (const stream of row.read ?? []) {
    for (const subject of streamConfig(stream).subjects) subscribe.add(subject);
  }
  for (const [stream, subjects] of Object.entries(row.publish ?? {})) {
    streamNames([stream]);
    for (const subject of subjects ?? []) publish.add(subject);
  }
  reads([...(row.kvRead ?? []), ...(EVERYONE.kvRead ?? [])].map((bucket) => `KV_${bucket}`));
  for (const [bucket, keys] of Object.entries(row.kvWrite ?? {})) {
    streamNames([`KV_${bucket}`]);
    for (const key of keys ?? []) publish.add(`$KV.${bucket}.${key}`);
  }
  reads([...(row.objectRead ?? []), ...(row.objectWrite ?? [])].map((store) => `OBJ_${store}`));
  for (const store of row.objectWrite ?? []) {
    streamNames([`OBJ_${store}`]);
    publish.add(`$O.${store}.C.>`);
    publish.add(`$O.${store}.M.>`);
  }
  for (const name of row.own ?? []) publish.add(`$JS.API.STREAM.UPDATE.${name}`);
  return {
    publish: {
      allow: [...publish].sort(),
      // Nobody deletes or purges a stream or its messages over the API, nor publishes to the
      // server's own subjects; explicit, so a broader allow added later cannot grant it.
      deny: [
        '$JS.API.STREAM.DELETE.>',
        '$JS.API.STREAM.PURGE.>',
        '$JS.API.STREAM.MSG.DELETE.>',
        '$JS.API.CONSUMER.PAUSE.>',
        '$SYS.>',
      ],
    },
    subscribe: {
      allow: [...subscribe].sort(),
      deny: row.subscribe?.includes(AUTH_CALLOUT_SUBJECT) ? [] : ['$SYS.>'],
    },
    allowResponses: row.allowResponses ?? false,
  };
}
