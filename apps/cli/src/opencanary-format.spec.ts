// The OpenCanary export: field names, time format and logtype numbers as OpenCanary writes them.
// Expected values come from OpenCanary's source (github.com/thinkst/opencanary, commit 010266e0):
// opencanary/logger.py `LoggerBase` (LOG_SSH_NEW_CONNECTION = 4000, LOG_SSH_LOGIN_ATTEMPT = 4002,
// LOG_HTTP_GET = 3000, LOG_HTTP_POST_LOGIN_ATTEMPT = 3001, LOG_MYSQL_LOGIN_ATTEMPT = 8001,
// LOG_REDIS_COMMAND = 17001, LOG_BASE_MSG = 1001; `sanitizeLog` adds node_id, local_time,
// utc_time, local_time_adjusted as "%Y-%m-%d %H:%M:%S.%f", src/dst host and port, logtype,
// logdata; `PyLogger.log` writes `json.dumps(logdata, sort_keys=True)`), and
// opencanary/modules/ssh.py (logdata USERNAME, PASSWORD, REMOTEVERSION; SESSION on connect).
// The line format is checked against Python's own json.dumps.
import { execFileSync } from 'node:child_process';
import { DecoyKind, Event, EventClass, InteractionKind } from '@omega/proto';
import { openCanaryLine, openCanaryRecord } from './opencanary-format';

// 2026-12-07T16:05:09.123456Z
const TIME_NS = 1_796_659_509_123_456_789n;

function interaction(
  protocol: string,
  kind: InteractionKind,
  fields: { username?: string; request?: string; honeytokenId?: string; client?: string } = {},
): Event {
  return Event.fromPartial({
    id: 'e1',
    timeNs: TIME_NS,
    classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    message: `${protocol} interaction`,
    srcEndpoint: { ip: '10.1.2.3', port: 51234 },
    dstEndpoint: { ip: '10.9.9.9', port: 22 },
    node: 'node-a',
    unmapped: fields.client ? { 'deception.client': fields.client } : {},
    payload: {
      $case: 'deceptionInteraction',
      value: {
        kind,
        decoyId: 'dc-1',
        decoyKind: DecoyKind.DECOY_KIND_SSH,
        protocol,
        sessionId: 's-1',
        username: fields.username ?? '',
        request: fields.request ?? '',
        honeytokenId: fields.honeytokenId ?? '',
      },
    },
  });
}

describe('OpenCanary export', () => {
  it('writes an SSH login attempt as logtype 4002 with USERNAME, PASSWORD and REMOTEVERSION', () => {
    const record = openCanaryRecord(
      interaction('ssh', InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, {
        username: 'root',
        request: 'password: hunter2',
        client: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
      }),
      120,
    );
    expect(record).toEqual({
      dst_host: '10.9.9.9',
      dst_port: 22,
      local_time: '2026-12-07 16:05:09.123456',
      local_time_adjusted: '2026-12-07 18:05:09.123456',
      logdata: {
        USERNAME: 'root',
        PASSWORD: 'hunter2',
        REMOTEVERSION: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
      },
      logtype: 4002,
      node_id: 'node-a',
      src_host: '10.1.2.3',
      src_port: 51234,
      utc_time: '2026-12-07 16:05:09.123456',
    });
  });

  it.each([
    ['ssh', InteractionKind.INTERACTION_KIND_CONNECT, {}, 4000],
    ['http', InteractionKind.INTERACTION_KIND_COMMAND, { request: 'GET /login' }, 3000],
    [
      'http',
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
      { username: 'admin', request: 'POST /login form password: x' },
      3001,
    ],
    ['mysql', InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, { username: 'root' }, 8001],
    ['redis', InteractionKind.INTERACTION_KIND_COMMAND, { request: 'CONFIG GET *' }, 17001],
    ['postgres', InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, { username: 'postgres' }, 1001],
  ])('writes %s interaction kind %i (%j) as logtype %i', (protocol, kind, fields, logtype) => {
    expect(openCanaryRecord(interaction(protocol, kind, fields), 0)?.logtype).toBe(logtype);
  });

  it('writes a redis command as CMD and ARGS, and an HTTP request as PATH and USERAGENT', () => {
    expect(
      openCanaryRecord(
        interaction('redis', InteractionKind.INTERACTION_KIND_COMMAND, { request: 'CONFIG GET *' }),
        0,
      )?.logdata,
    ).toEqual({ CMD: 'CONFIG', ARGS: 'GET *' });
    expect(
      openCanaryRecord(
        interaction('http', InteractionKind.INTERACTION_KIND_COMMAND, {
          request: 'GET /admin',
          client: 'curl/7.88.1',
        }),
        0,
      )?.logdata,
    ).toEqual({ PATH: '/admin', USERAGENT: 'curl/7.88.1' });
  });

  it('leaves out disconnects, which OpenCanary never logs', () => {
    expect(
      openCanaryRecord(interaction('ssh', InteractionKind.INTERACTION_KIND_DISCONNECT), 0),
    ).toBe(undefined);
  });

  it("prints each line exactly as Python's json.dumps(sort_keys=True) does", () => {
    const record = openCanaryRecord(
      interaction('ssh', InteractionKind.INTERACTION_KIND_TOKEN_USE, {
        username: 'déploy',
        request: 'password',
        honeytokenId: 'ht-1',
      }),
      -300,
    )!;
    const python = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'],
      { input: JSON.stringify(record), encoding: 'utf8' },
    ).trimEnd();
    expect(openCanaryLine(record)).toBe(python);
    expect(python).toContain('"USERNAME": "d\\u00e9ploy"');
  });
});
