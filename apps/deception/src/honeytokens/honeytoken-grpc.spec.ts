// Honeytokens through the deception service as it runs (real gRPC, a real nats-server): mint, list
// (filters, pages) and revoke; a canary URL fetched with the curl binary becomes a TOKEN_USE event
// on DECEPTION (naming the token and its placement) and a TRIGGERED honeytoken, an unknown path a
// quiet 404; bad requests are INVALID_ARGUMENT naming the field.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DeceptionServiceClient,
  DeceptionServiceService,
  Event,
  HoneytokenKind,
  HoneytokenStatus,
  InteractionKind,
  ListHoneytokensRequest,
  MintHoneytokenRequest,
  Severity,
} from '@omega/proto';
import { Code, createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { eventually, withNats } from '@omega/testkit';
import type { DeceptionServiceConfig } from '../deception-service';
import { startDeception } from '../testing/start-deception';

const run = promisify(execFile);
const nats = withNats({ jetstream: true });
let running: RunningService<DeceptionServiceConfig>;
let client: PromiseClient<typeof DeceptionServiceService>;

beforeAll(async () => {
  running = await startDeception(nats.url, {
    OMEGA_DECEPTION_HONEYTOKENS_TRIGGER_WRITE_INTERVAL_MS: '0',
  });
  client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

const mint = (partial: Partial<MintHoneytokenRequest>) =>
  client.mintHoneytoken(MintHoneytokenRequest.fromPartial(partial));
const list = (partial: Partial<ListHoneytokensRequest>) =>
  client.listHoneytokens(ListHoneytokensRequest.fromPartial(partial));

async function curl(url: string): Promise<string> {
  const { stdout } = await run('curl', [
    '-sS',
    '-A',
    'Mozilla/5.0 (spec) curl',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{content_type} %{size_download}',
    url,
  ]);
  return stdout;
}

async function canaryEvents(): Promise<number> {
  const info = await running.bus.jsm.streams.info('DECEPTION', {
    subjects_filter: 'omega.deception.canary',
  });
  return info.state.subjects?.['omega.deception.canary'] ?? 0;
}

describe('honeytoken RPCs and the canary listener', () => {
  it('mints, lists (by kind, by status, in pages) and revokes honeytokens', async () => {
    const minted = await mint({
      kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
      name: 'svc-reporting',
      placement: 'env of deploy/legacy-api',
      labels: { team: 'payments' },
      ttlSeconds: 3600,
    });
    expect(minted.secretId).toBe('svc-reporting');
    expect(minted.secretValue).toMatch(/^([A-Z][a-z]+[-._]){4}\d{4}[!#$%&*?@]$/);
    expect(minted.honeytoken).toMatchObject({
      kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
      name: 'svc-reporting',
      status: HoneytokenStatus.HONEYTOKEN_STATUS_ACTIVE,
      labels: { team: 'payments' },
    });
    expect(minted.honeytoken!.expireTimeNs - minted.honeytoken!.createTimeNs).toBe(
      3600n * 10n ** 9n,
    );
    for (const name of ['ci-deploy', 'ci-release']) {
      await mint({ kind: HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY, name });
    }
    const keys = await list({ kind: HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY });
    expect(keys.honeytokens.map((token) => token.name)).toEqual(['ci-release', 'ci-deploy']);
    const first = await list({ pageSize: 2 });
    const second = await list({ pageSize: 2, pageToken: first.nextPageToken });
    expect(first.nextPageToken).not.toBe('');
    expect(second.nextPageToken).toBe('');
    expect([...first.honeytokens, ...second.honeytokens].map((token) => token.name)).toEqual([
      'ci-release',
      'ci-deploy',
      'svc-reporting',
    ]);
    const { honeytoken } = await client.revokeHoneytoken({
      honeytokenId: minted.honeytoken!.id,
      reason: 'rotated',
      requestId: '',
    });
    expect(honeytoken?.status).toBe(HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED);
    const revoked = await list({ status: HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED });
    expect(revoked.honeytokens.map((token) => token.id)).toEqual([minted.honeytoken!.id]);
  });

  it('turns a fetch of a canary URL into a TOKEN_USE event on DECEPTION and a TRIGGERED honeytoken', async () => {
    const minted = await mint({
      kind: HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL,
      name: 'wiki-backup-link',
      placement: 'runbook page "restore prod"',
      plant: true,
    });
    const url = new URL(minted.secretValue);
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await curl(minted.secretValue)).toBe('200 image/gif 43');
    const message = await eventually('the canary event on DECEPTION', () =>
      running.bus.jsm.streams
        .getMessage('DECEPTION', { last_by_subj: 'omega.deception.canary' })
        .then((stored) => stored ?? undefined)
        .catch(() => undefined),
    );
    const event = Event.decode(message.data);
    expect(event.severity).toBe(Severity.SEVERITY_CRITICAL);
    expect(event.srcEndpoint?.ip).toBe('127.0.0.1');
    // what the alert says: the token's name and where it was planted
    expect(event.unmapped).toMatchObject({
      'deception.honeytoken_name': 'wiki-backup-link',
      'deception.placement': 'runbook page "restore prod"',
      'deception.decoy_name': 'canary URL listener',
    });
    expect(event.payload?.$case).toBe('deceptionInteraction');
    const interaction =
      event.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined;
    expect(interaction).toMatchObject({
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      honeytokenId: minted.honeytoken!.id,
      protocol: 'http',
      request: `GET ${url.pathname} (User-Agent: Mozilla/5.0 (spec) curl)`,
    });
    expect(Buffer.from(interaction!.payloadSample).toString()).toContain(
      'User-Agent: Mozilla/5.0 (spec) curl',
    );
    const triggered = await eventually('the honeytoken shows its trigger', async () => {
      const { honeytokens } = await list({ kind: HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL });
      const token = honeytokens.find((t) => t.id === minted.honeytoken!.id);
      return token?.status === HoneytokenStatus.HONEYTOKEN_STATUS_TRIGGERED ? token : undefined;
    });
    expect(triggered.triggerCount).toBe(1n);
    expect(triggered.lastTriggerTimeNs).toBeGreaterThan(0n);
  });

  it('answers an unknown path, or a POST to a canary path, with a plain 404 and records nothing', async () => {
    const minted = await mint({ kind: HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL, name: 'quiet' });
    const before = await canaryEvents();
    const { origin } = new URL(minted.secretValue);
    expect(await curl(`${origin}/assets/not-a-canary.gif`)).toBe(
      '404 text/plain; charset=utf-8 10',
    );
    expect(await curl(`${origin}/`)).toMatch(/^404 /);
    const { stdout } = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-X',
      'POST',
      minted.secretValue,
    ]);
    expect(stdout).toBe('404');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await canaryEvents()).toBe(before);
    const { honeytokens } = await list({ kind: HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL });
    expect(honeytokens.find((t) => t.id === minted.honeytoken!.id)?.triggerCount).toBe(0n);
  });

  const CANARY = HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL;
  it.each<[string, string, Partial<MintHoneytokenRequest>]>([
    ['an empty name', 'name', { kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL, name: '' }],
    ['no kind', 'kind', { kind: HoneytokenKind.HONEYTOKEN_KIND_UNSPECIFIED, name: 'x' }],
    [
      'a username with a space',
      'name',
      { kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL, name: 'a b' },
    ],
    [
      'a namespace that is no DNS-1123 label',
      'namespace',
      { kind: CANARY, name: 'x', namespace: 'Bad_NS' },
    ],
    [
      'a Kubernetes kind without a namespace',
      'namespace',
      { kind: HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET, name: 'aws-creds' },
    ],
    [
      'a placement past 256 characters',
      'placement',
      { kind: CANARY, name: 'x', placement: 'p'.repeat(257) },
    ],
    [
      '33 labels',
      'labels',
      {
        kind: CANARY,
        name: 'x',
        labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])),
      },
    ],
    [
      'a label key that is no key',
      'labels["-bad"]',
      { kind: CANARY, name: 'x', labels: { '-bad': 'v' } },
    ],
    ['a ttl past ten years', 'ttl_seconds', { kind: CANARY, name: 'x', ttlSeconds: 400_000_000 }],
  ])(
    'refuses MintHoneytoken with %s: INVALID_ARGUMENT naming %s',
    async (_case, field, request) => {
      await expect(mint(request)).rejects.toMatchObject({
        code: Code.InvalidArgument,
        message: expect.stringContaining(`MintHoneytoken: ${field}: `),
      });
    },
  );

  it('refuses a bad honeytoken id or page token with INVALID_ARGUMENT naming the field', async () => {
    await expect(
      client.revokeHoneytoken({ honeytokenId: 'nope', reason: '', requestId: '' }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('RevokeHoneytoken: honeytoken_id: '),
    });
    await expect(list({ pageToken: 'garbage' })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('ListHoneytokens: page_token: '),
    });
  });

  it('refuses DNS canaries (no zone served) and planting Kubernetes kinds with FAILED_PRECONDITION', async () => {
    await expect(
      mint({ kind: HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY, name: 'x' }),
    ).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await expect(
      mint({
        kind: HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
        name: 'legacy-ci',
        namespace: 'payments',
        plant: true,
      }),
    ).rejects.toMatchObject({ code: Code.FailedPrecondition });
    const unplanted = await mint({
      kind: HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
      name: 'legacy-ci',
      namespace: 'payments',
    });
    expect(unplanted.secretValue.split('.')).toHaveLength(3);
  });
});
