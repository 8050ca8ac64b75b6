// `omega interactions list|watch -o opencanary`: each interaction as one line of OpenCanary's JSON
// log, for teams whose pipelines already parse OpenCanary (its logger's field names, time format
// and numeric logtype codes, from opencanary/logger.py and the protocol modules). Pure: the time
// zone offset of "local_time_adjusted" is passed in.
import { DECEPTION_UNMAPPED } from '@omega/detect';
import { InteractionKind, type Event } from '@omega/proto';

/** OpenCanary's LoggerBase logtype codes that Omega's interactions correspond to. */
export const OPENCANARY_LOGTYPE = {
  LOG_BASE_MSG: 1001,
  LOG_HTTP_GET: 3000,
  LOG_HTTP_POST_LOGIN_ATTEMPT: 3001,
  LOG_SSH_NEW_CONNECTION: 4000,
  LOG_SSH_REMOTE_VERSION_SENT: 4001,
  LOG_SSH_LOGIN_ATTEMPT: 4002,
  LOG_MYSQL_LOGIN_ATTEMPT: 8001,
  LOG_REDIS_COMMAND: 17001,
  LOG_TCP_BANNER_CONNECTION_MADE: 18001,
} as const;

/** One OpenCanary log record (its `sanitizeLog` fields). */
export interface OpenCanaryRecord {
  dst_host: string;
  dst_port: number;
  local_time: string;
  local_time_adjusted: string;
  logdata: Record<string, string>;
  logtype: number;
  node_id: string;
  src_host: string;
  src_port: number;
  utc_time: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Python's `strftime("%Y-%m-%d %H:%M:%S.%f")` of the UTC fields of `date` (microseconds). */
function pythonTime(date: Date, micros: number): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(micros, 6)}`
  );
}

/** After "password: " in a recorded request, the password a client sent (or undefined). */
function passwordOf(request: string): string | undefined {
  const at = request.indexOf('password: ');
  return at < 0 ? undefined : request.slice(at + 'password: '.length);
}

/** The logtype and logdata of an interaction, as OpenCanary's module for its protocol logs. */
function logOf(event: Event): { logtype: number; logdata: Record<string, string> } | undefined {
  if (event.payload?.$case !== 'deceptionInteraction') return undefined;
  const touch = event.payload.value;
  const client = event.unmapped[DECEPTION_UNMAPPED.client];
  const login =
    touch.kind === InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT ||
    touch.kind === InteractionKind.INTERACTION_KIND_TOKEN_USE;
  const password = passwordOf(touch.request);
  const credentials: Record<string, string> = {
    USERNAME: touch.username,
    ...(password !== undefined ? { PASSWORD: password } : {}),
  };
  const token: Record<string, string> = touch.honeytokenId
    ? { HONEYTOKEN: touch.honeytokenId }
    : {};
  // OpenCanary logs no disconnects: neither does this export.
  if (touch.kind === InteractionKind.INTERACTION_KIND_DISCONNECT) return undefined;
  switch (touch.protocol) {
    case 'ssh':
      if (touch.kind === InteractionKind.INTERACTION_KIND_CONNECT)
        return {
          logtype: OPENCANARY_LOGTYPE.LOG_SSH_NEW_CONNECTION,
          logdata: { SESSION: touch.sessionId },
        };
      if (login)
        return {
          logtype: OPENCANARY_LOGTYPE.LOG_SSH_LOGIN_ATTEMPT,
          logdata: { ...credentials, ...(client ? { REMOTEVERSION: client } : {}), ...token },
        };
      break;
    case 'http': {
      // "GET /path", or a login's "POST /login form password: ..." / "GET /x basic password: ...".
      const [, path = ''] = touch.request.split(' ');
      const http = { PATH: path, ...(client ? { USERAGENT: client } : {}) };
      if (touch.kind === InteractionKind.INTERACTION_KIND_COMMAND)
        return { logtype: OPENCANARY_LOGTYPE.LOG_HTTP_GET, logdata: http };
      if (login)
        return {
          logtype: OPENCANARY_LOGTYPE.LOG_HTTP_POST_LOGIN_ATTEMPT,
          logdata: { ...http, ...credentials, ...token },
        };
      break;
    }
    case 'mysql':
      if (login)
        return {
          logtype: OPENCANARY_LOGTYPE.LOG_MYSQL_LOGIN_ATTEMPT,
          logdata: { ...credentials, ...token },
        };
      break;
    case 'redis':
      if (touch.kind === InteractionKind.INTERACTION_KIND_COMMAND) {
        const [cmd = '', ...args] = touch.request.split(' ');
        return {
          logtype: OPENCANARY_LOGTYPE.LOG_REDIS_COMMAND,
          logdata: { CMD: cmd, ARGS: args.join(' ') },
        };
      }
      break;
    case 'tcp':
      if (touch.kind === InteractionKind.INTERACTION_KIND_CONNECT)
        return { logtype: OPENCANARY_LOGTYPE.LOG_TCP_BANNER_CONNECTION_MADE, logdata: {} };
      break;
  }
  // No OpenCanary module logs this (PostgreSQL, a canary URL, a bare connect elsewhere): its
  // generic message type, with what was tried.
  return {
    logtype: OPENCANARY_LOGTYPE.LOG_BASE_MSG,
    logdata: {
      msg: event.message,
      PROTOCOL: touch.protocol,
      ...(touch.username ? credentials : {}),
      ...(touch.request ? { REQUEST: touch.request } : {}),
      ...token,
    },
  };
}

/**
 * The OpenCanary record of an interaction event, or undefined for what OpenCanary never logs (a
 * disconnect, an event that is no interaction). `utcOffsetMinutes` is the reader's zone, east
 * positive (what `-new Date().getTimezoneOffset()` gives), for local_time_adjusted.
 */
export function openCanaryRecord(
  event: Event,
  utcOffsetMinutes: number,
): OpenCanaryRecord | undefined {
  const log = logOf(event);
  if (log === undefined) return undefined;
  const ms = Number(event.timeNs / 1_000_000n);
  const micros = Number((event.timeNs / 1_000n) % 1_000_000n);
  const utc = pythonTime(new Date(ms), micros);
  return {
    dst_host: event.dstEndpoint?.ip ?? '',
    dst_port: event.dstEndpoint?.port ?? -1,
    // OpenCanary's own local_time is UTC too (datetime.utcnow()); only _adjusted is local.
    local_time: utc,
    local_time_adjusted: pythonTime(new Date(ms + utcOffsetMinutes * 60_000), micros),
    logdata: log.logdata,
    logtype: log.logtype,
    node_id: event.node,
    src_host: event.srcEndpoint?.ip ?? '',
    src_port: event.srcEndpoint?.port ?? -1,
    utc_time: utc,
  };
}

/**
 * One line as OpenCanary writes it: Python's `json.dumps(logdata, sort_keys=True)`, so keys
 * sorted at every level, ", " and ": " between items, and non-ASCII escaped as \uXXXX.
 */
export function openCanaryLine(record: OpenCanaryRecord): string {
  return pythonJson(record);
}

function pythonJson(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
