// The canary listener's bounds, with the curl binary as the client: oversized headers are refused
// before any lookup, a HEAD of a canary path is a use without a body, and a taken port fails the
// start naming the setting.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Code } from '@omega/runtime';
import { defaultCanaryListen } from '../deception-config';
import type { Interaction } from '../honeypots/honeypot';
import { CanaryEndpoint } from './canary-endpoint';

const run = promisify(execFile);
const CANARY_PATH = '/assets/known.gif';
const recorded: Interaction[] = [];
const looked: string[] = [];
let endpoint: CanaryEndpoint;

beforeAll(async () => {
  endpoint = await CanaryEndpoint.start({
    listen: { host: '127.0.0.1', port: 0 },
    canaryUse: (path) => {
      looked.push(path);
      return path === CANARY_PATH ? '0123456789abcdef' : undefined;
    },
    recorder: { record: (interaction) => recorded.push(interaction) },
  });
});

afterAll(() => endpoint.close());

async function curl(...args: string[]): Promise<string> {
  const { stdout } = await run('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{size_download}',
    ...args,
  ]);
  return stdout;
}

describe('canary listener', () => {
  it('refuses headers past 8 KiB with 431, before looking the path up', async () => {
    looked.length = 0;
    const answer = await curl(
      '-H',
      `X-Padding: ${'a'.repeat(9000)}`,
      `${endpoint.url()}${CANARY_PATH}`,
    );
    expect(answer).toBe('431 0');
    expect(looked).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('counts a HEAD of a canary path as a use and answers without a body; the query is ignored', async () => {
    expect(await curl('-I', `${endpoint.url()}${CANARY_PATH}?utm_source=wiki`)).toBe('200 0');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      honeytokenId: '0123456789abcdef',
      request: expect.stringMatching(/^HEAD \/assets\/known\.gif \(User-Agent: curl\//),
      source: { ip: '127.0.0.1' },
    });
  });

  it('fails to start on a taken port, naming deception.canaryListen', async () => {
    await expect(
      CanaryEndpoint.start({
        listen: { host: '127.0.0.1', port: endpoint.port },
        canaryUse: () => undefined,
        recorder: { record: () => {} },
      }),
    ).rejects.toMatchObject({
      code: Code.Unavailable,
      message: expect.stringContaining('(deception.canaryListen): listen EADDRINUSE'),
    });
  });

  it('listens by default on loopback, the gRPC port + 4, shifting with it', () => {
    expect(defaultCanaryListen(50055)).toBe('127.0.0.1:50059');
    expect(defaultCanaryListen(51055)).toBe('127.0.0.1:51059');
    expect(defaultCanaryListen(0)).toBe('127.0.0.1:0');
  });
});
