// The Redis decoy's answers without a socket: Redis's glob, SCAN paging, CONFIG and the memory bound.
import { newRedisDecoyState, redisGlob, runRedisCommand, unknownCommand } from './redis-commands';
import { encodeReply, reply } from './redis-reply';

const startedMs = 1_700_000_000_000;
const state = () =>
  newRedisDecoyState({
    version: '7.0.15',
    hostname: 'cache-01',
    runId: 'a'.repeat(40),
    startedMs,
    port: 6379,
    keys: { 'user:1': 'a', 'user:2': 'b', 'session:x': 'c' },
  });

describe('redis commands', () => {
  it('matches keys with Redis glob rules (* ? [set] and escapes)', () => {
    expect(redisGlob('user:*').test('user:1')).toBe(true);
    expect(redisGlob('user:?').test('user:10')).toBe(false);
    expect(redisGlob('user:[12]').test('user:2')).toBe(true);
    expect(redisGlob('a\\*b').test('a*b')).toBe(true);
    expect(redisGlob('a\\*b').test('axb')).toBe(false);
    expect(redisGlob('(.+)').test('(.+)')).toBe(true);
  });

  it('pages SCAN with a cursor that returns to 0 at the end', () => {
    const decoy = state();
    const first = runRedisCommand(decoy, ['SCAN', '0', 'COUNT', '2'], startedMs);
    expect(first).toEqual(reply.array([reply.bulk('2'), reply.bulks(['user:1', 'user:2'])]));
    const last = runRedisCommand(decoy, ['SCAN', '2', 'COUNT', '2'], startedMs);
    expect(last).toEqual(reply.array([reply.bulk('0'), reply.bulks(['session:x'])]));
  });

  it('keeps CONFIG SET for a known parameter and refuses an unknown one', () => {
    const decoy = state();
    expect(runRedisCommand(decoy, ['CONFIG', 'SET', 'dir', '/root/.ssh'], startedMs)).toEqual(
      reply.ok,
    );
    expect(runRedisCommand(decoy, ['CONFIG', 'GET', 'dir'], startedMs)).toEqual(
      reply.bulks(['dir', '/root/.ssh']),
    );
    expect(runRedisCommand(decoy, ['CONFIG', 'SET', 'nope', '1'], startedMs)).toEqual(
      reply.error("ERR Unknown option or number of arguments for CONFIG SET - 'nope'"),
    );
  });

  it('refuses SET past its memory bound as a full Redis does', () => {
    const decoy = state();
    const big = 'x'.repeat(100 * 1024);
    expect(runRedisCommand(decoy, ['SET', 'a', big], startedMs)).toEqual(reply.ok);
    expect(runRedisCommand(decoy, ['SET', 'b', big], startedMs)).toEqual(reply.ok);
    expect(runRedisCommand(decoy, ['SET', 'c', big], startedMs)).toEqual(
      reply.error("OOM command not allowed when used memory > 'maxmemory'."),
    );
    // Overwriting a key frees what it held.
    expect(runRedisCommand(decoy, ['SET', 'a', 'small'], startedMs)).toEqual(reply.ok);
    expect(runRedisCommand(decoy, ['SET', 'c', big], startedMs)).toEqual(reply.ok);
  });

  it('reports uptime from the start time it is given', () => {
    const info = runRedisCommand(state(), ['INFO', 'server'], startedMs + 90_061_000);
    expect(info.type === 'bulk' && String(info.value)).toContain(
      'uptime_in_seconds:90061\r\nuptime_in_days:1',
    );
  });

  it('words an unknown command and encodes replies as RESP2', () => {
    expect(encodeReply(unknownCommand(['flushx', 'a', 'b'])).toString()).toBe(
      "-ERR unknown command 'flushx', with args beginning with: 'a' 'b' \r\n",
    );
    expect(encodeReply(reply.array([reply.integer(1), reply.bulk(null)])).toString()).toBe(
      '*2\r\n:1\r\n$-1\r\n',
    );
  });
});
