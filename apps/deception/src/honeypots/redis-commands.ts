// What the Redis decoy answers to each command: a small fake keyspace and configuration shared by
// its connections (bounded), INFO from the persona, and Redis 7's own error texts. Pure: the start
// time and run id are passed in.
import { reply, type RedisReply } from './redis-reply';

/** Written keys and bytes the decoy holds at most; past them SET fails as a full Redis does. */
const MAX_KEYS = 1024;
const MAX_STORED_BYTES = 256 * 1024;

const DEFAULT_KEYS: Readonly<Record<string, string>> = {
  'session:7f3a9c1e': '{"uid":1042,"role":"admin","exp":1767225600}',
  'user:1042': '{"name":"jdoe","email":"jdoe@example.internal"}',
  'cache:feature-flags': '{"billing_v2":true,"sso":false}',
  'queue:mail:pending': '3',
  'rate:login:10.0.4.17': '5',
};

const DEFAULT_CONFIG: Readonly<Record<string, string>> = {
  dir: '/var/lib/redis',
  dbfilename: 'dump.rdb',
  requirepass: '',
  masterauth: '',
  bind: '* -::*',
  'protected-mode': 'no',
  port: '6379',
  databases: '16',
  maxmemory: '0',
  'maxmemory-policy': 'noeviction',
  maxclients: '10000',
  timeout: '0',
  save: '3600 1 300 100 60 10000',
  appendonly: 'no',
  loglevel: 'notice',
  logfile: '/var/log/redis/redis-server.log',
};

/** The decoy's state shared by its connections. */
export interface RedisDecoyState {
  readonly version: string;
  readonly hostname: string;
  readonly runId: string;
  readonly startedMs: number;
  readonly port: number;
  readonly keys: Map<string, Buffer>;
  readonly config: Map<string, string>;
  storedBytes: number;
}

export function newRedisDecoyState(options: {
  version: string;
  hostname: string;
  runId: string;
  startedMs: number;
  port: number;
  keys?: Readonly<Record<string, string>>;
}): RedisDecoyState {
  const keys = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(options.keys ?? DEFAULT_KEYS))
    keys.set(key, Buffer.from(value));
  const config = new Map(Object.entries(DEFAULT_CONFIG));
  config.set('port', String(options.port));
  return { ...options, keys, config, storedBytes: 0 };
}

/** Redis's glob (KEYS, SCAN MATCH, CONFIG GET) as a RegExp: * ? [set] and \ escapes. */
export function redisGlob(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        const set = pattern
          .slice(i + 1, end)
          .replace(/\\/g, '\\\\')
          .replace(/^\^/, '^');
        source += set.length === 0 ? '(?!)' : `[${set}]`;
        i = end;
      }
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function wrongArity(name: string): RedisReply {
  return reply.error(`ERR wrong number of arguments for '${name}' command`);
}

export function unknownCommand(args: readonly string[]): RedisReply {
  const rest = args
    .slice(1, 6)
    .map((a) => `'${a.slice(0, 128)}' `)
    .join('');
  return reply.error(
    `ERR unknown command '${(args[0] ?? '').slice(0, 128)}', with args beginning with: ${rest}`,
  );
}

function info(state: RedisDecoyState, nowMs: number, section: string | undefined): string {
  const uptimeS = Math.floor((nowMs - state.startedMs) / 1000);
  const sections: Record<string, string[]> = {
    server: [
      `redis_version:${state.version}`,
      'redis_git_sha1:00000000',
      'redis_git_dirty:0',
      'redis_build_id:7e4c1bb8b3a5d6f1',
      'redis_mode:standalone',
      'os:Linux 5.15.0-91-generic x86_64',
      'arch_bits:64',
      'monotonic_clock:POSIX clock_gettime',
      'multiplexing_api:epoll',
      'atomicvar_api:c11-builtin',
      'gcc_version:11.4.0',
      'process_id:1187',
      'process_supervised:systemd',
      `run_id:${state.runId}`,
      `tcp_port:${state.port}`,
      `server_time_usec:${nowMs * 1000}`,
      `uptime_in_seconds:${uptimeS}`,
      `uptime_in_days:${Math.floor(uptimeS / 86400)}`,
      'hz:10',
      'configured_hz:10',
      'lru_clock:' + String(Math.floor(nowMs / 1000) % 16777216),
      'executable:/usr/bin/redis-server',
      'config_file:/etc/redis/redis.conf',
      'io_threads_active:0',
    ],
    clients: ['connected_clients:1', 'blocked_clients:0', 'maxclients:10000'],
    memory: [
      `used_memory:${1_048_576 + state.storedBytes}`,
      'used_memory_human:1.02M',
      'maxmemory:0',
      'maxmemory_policy:noeviction',
      'mem_allocator:jemalloc-5.3.0',
    ],
    persistence: [
      'loading:0',
      'rdb_changes_since_last_save:0',
      'rdb_last_bgsave_status:ok',
      'aof_enabled:0',
    ],
    stats: [
      'total_connections_received:2291',
      'total_commands_processed:48213',
      'rejected_connections:0',
    ],
    replication: ['role:master', 'connected_slaves:0', 'master_repl_offset:0'],
    cpu: ['used_cpu_sys:41.203117', 'used_cpu_user:63.884121'],
    keyspace: [`db0:keys=${state.keys.size},expires=0,avg_ttl=0`],
  };
  const wanted = section?.toLowerCase();
  const names =
    wanted === undefined || wanted === 'all' || wanted === 'default' || wanted === 'everything'
      ? Object.keys(sections)
      : Object.keys(sections).filter((name) => name === wanted);
  return names
    .map(
      (name) =>
        `# ${name[0]!.toUpperCase()}${name.slice(1)}\r\n${sections[name]!.join('\r\n')}\r\n`,
    )
    .join('\r\n');
}

function configCommand(state: RedisDecoyState, args: readonly string[]): RedisReply {
  const sub = args[1]?.toLowerCase();
  if (sub === 'get' && args.length >= 3) {
    const out: string[] = [];
    for (const pattern of args.slice(2)) {
      const glob = redisGlob(pattern.toLowerCase());
      for (const [key, value] of state.config) if (glob.test(key)) out.push(key, value);
    }
    return reply.bulks(out);
  }
  if (sub === 'set' && args.length >= 4 && args.length % 2 === 0) {
    const key = args[2]!.toLowerCase();
    if (!state.config.has(key)) {
      return reply.error(
        `ERR Unknown option or number of arguments for CONFIG SET - '${key.slice(0, 128)}'`,
      );
    }
    state.config.set(key, args[3]!.slice(0, 1024));
    return reply.ok;
  }
  if (sub === 'resetstat' || sub === 'rewrite') return reply.ok;
  if (sub === undefined || sub === 'get' || sub === 'set') return wrongArity(`config|${sub ?? ''}`);
  return reply.error(`ERR unknown subcommand '${args[1]!.slice(0, 128)}'. Try CONFIG HELP.`);
}

function scan(state: RedisDecoyState, args: readonly string[]): RedisReply {
  const cursor = Number(args[1]);
  if (!Number.isInteger(cursor) || cursor < 0) return reply.error('ERR invalid cursor');
  let glob: RegExp | undefined;
  let count = 10;
  for (let i = 2; i + 1 < args.length; i += 2) {
    const option = args[i]!.toLowerCase();
    if (option === 'match') glob = redisGlob(args[i + 1]!);
    else if (option === 'count') count = Math.max(1, Math.min(1000, Number(args[i + 1]) || 10));
  }
  const all = [...state.keys.keys()];
  const page = all.slice(cursor, cursor + count);
  const next = cursor + count >= all.length ? 0 : cursor + count;
  return reply.array([
    reply.bulk(String(next)),
    reply.bulks(glob ? page.filter((k) => glob.test(k)) : page),
  ]);
}

function set(state: RedisDecoyState, key: string, value: Buffer): RedisReply {
  const previous = state.keys.get(key);
  const grown =
    state.storedBytes + key.length + value.length - (previous ? key.length + previous.length : 0);
  if (grown > MAX_STORED_BYTES || (!previous && state.keys.size >= MAX_KEYS)) {
    return reply.error("OOM command not allowed when used memory > 'maxmemory'.");
  }
  state.keys.set(key, value);
  state.storedBytes = grown;
  return reply.ok;
}

/** The reply to one command after authentication (AUTH, HELLO and QUIT are the session's). */
export function runRedisCommand(
  state: RedisDecoyState,
  args: readonly string[],
  nowMs: number,
): RedisReply {
  const name = (args[0] ?? '').toLowerCase();
  const arity = (min: number): boolean => args.length >= min;
  switch (name) {
    case 'ping':
      return args.length > 1 ? reply.bulk(args[1]!) : reply.simple('PONG');
    case 'echo':
      return arity(2) ? reply.bulk(args[1]!) : wrongArity(name);
    case 'info':
      return reply.bulk(info(state, nowMs, args[1]));
    case 'config':
      return configCommand(state, args);
    case 'keys': {
      if (!arity(2)) return wrongArity(name);
      const glob = redisGlob(args[1]!);
      return reply.bulks([...state.keys.keys()].filter((key) => glob.test(key)));
    }
    case 'scan':
      return arity(2) ? scan(state, args) : wrongArity(name);
    case 'dbsize':
      return reply.integer(state.keys.size);
    case 'get':
      return arity(2) ? reply.bulk(state.keys.get(args[1]!) ?? null) : wrongArity(name);
    case 'set':
      return arity(3) ? set(state, args[1]!, Buffer.from(args[2]!)) : wrongArity(name);
    case 'exists':
    case 'del': {
      if (!arity(2)) return wrongArity(name);
      const present = args.slice(1).filter((key) => state.keys.has(key));
      if (name === 'del') for (const key of present) state.keys.delete(key);
      return reply.integer(present.length);
    }
    case 'type':
      return arity(2)
        ? reply.simple(state.keys.has(args[1]!) ? 'string' : 'none')
        : wrongArity(name);
    case 'ttl':
    case 'pttl':
      return arity(2) ? reply.integer(state.keys.has(args[1]!) ? -1 : -2) : wrongArity(name);
    case 'select': {
      const db = Number(args[1]);
      if (!arity(2)) return wrongArity(name);
      return Number.isInteger(db) && db >= 0 && db < 16
        ? reply.ok
        : reply.error('ERR DB index is out of range');
    }
    case 'flushdb':
    case 'flushall':
      state.keys.clear();
      state.storedBytes = 0;
      return reply.ok;
    case 'save':
    case 'slaveof':
    case 'replicaof':
      return reply.ok;
    case 'bgsave':
      return reply.simple('Background saving started');
    case 'command':
      return reply.array([]);
    case 'client': {
      const sub = args[1]?.toLowerCase();
      if (sub === 'setname' || sub === 'setinfo') return reply.ok;
      if (sub === 'getname') return reply.bulk(null);
      if (sub === 'id') return reply.integer(1187);
      return reply.error(
        `ERR unknown subcommand '${(args[1] ?? '').slice(0, 128)}'. Try CLIENT HELP.`,
      );
    }
    case 'module':
      return reply.error('ERR Error loading the extension. Please check the server logs.');
    default:
      return unknownCommand(args);
  }
}
