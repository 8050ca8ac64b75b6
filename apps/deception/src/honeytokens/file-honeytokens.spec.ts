// File honeytokens on a real nats-server: minted as an AWS credentials file or a .pgpass holding a
// new secret (read back by Python's configparser, the INI reader the AWS tools' format is defined
// by), planted only below the configured roots and never over a file, watched through omega_policy
// `filewatch.<node>.<id>` (the FileWatch that node's sentinel applies), and removed with its watch on
// revocation. The secret inside is recognized when presented at a decoy.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  fileWatchKey,
  provision,
  publish,
  subjects,
  type Bus,
  type KV,
} from '@omega/bus';
import {
  Event,
  EventClass,
  FileWatch,
  HoneytokenKind,
  HoneytokenStatus,
  InteractionKind,
  MintHoneytokenRequest,
} from '@omega/proto';
import { Code, createLogger } from '@omega/runtime';
import { eventually, withNats } from '@omega/testkit';
import { hostFilePlanter } from './file-planter';
import { fileFormatOf } from './honeytoken-files';
import { listenFileUses } from './file-use-listener';
import { validMint } from './honeytoken-grpc';
import type { NewHoneytoken } from './honeytoken-mint';
import { HONEYTOKENS_BUCKET } from './honeytoken-record';
import { HoneytokenRegistry } from './honeytoken-registry';

const nats = withNats({ jetstream: true });
/** The node the deception service (and the files it plants) is on. */
const NODE = 'node-7';
const logger = createLogger({ service: 'deception', level: 'silent' });
let bus: Bus;
let policy: KV;
let root: string;
let outside: string;
const registries: HoneytokenRegistry[] = [];

async function openRegistry(withPlanter = true): Promise<HoneytokenRegistry> {
  const registry = await HoneytokenRegistry.open({
    kv: await bus.kv(HONEYTOKENS_BUCKET),
    self: () => ({ id: 'omega://local/service/deception', keyId: '' }),
    settings: { maxHoneytokens: 100, triggerWriteIntervalMs: 50 },
    canaryBaseUrl: () => undefined,
    ...(withPlanter
      ? {
          filePlanter: hostFilePlanter({
            policy,
            node: NODE,
            roots: [root],
            self: () => 'omega://local/service/deception',
          }),
        }
      : {}),
    logger,
  });
  registries.push(registry);
  return registry;
}

function fileRequest(path: string, plant = true): NewHoneytoken {
  return validMint(
    MintHoneytokenRequest.fromPartial({
      kind: HoneytokenKind.HONEYTOKEN_KIND_FILE,
      name: path,
      placement: 'legacy-api pods',
      plant,
    }),
  );
}

/** The credentials file as the AWS tools' INI reader sees it. */
function readAwsCredentials(path: string): Record<string, string> {
  const script =
    'import configparser, json, sys\n' +
    'c = configparser.ConfigParser()\n' +
    'c.read(sys.argv[1])\n' +
    'print(json.dumps(dict(c["default"])))\n';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
}

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'file-honeytoken-spec', logger });
  await provision(bus, { kv: [HONEYTOKENS_BUCKET, 'omega_policy'], streams: ['DECEPTION'] });
  policy = await bus.kv('omega_policy');
  root = mkdtempSync(join(tmpdir(), 'omega-file-honeytokens-'));
  outside = mkdtempSync(join(tmpdir(), 'omega-file-honeytokens-outside-'));
}, 60_000);

nats.beforeStop(async () => {
  for (const registry of registries) await registry.stop();
  await bus?.drain();
});

afterAll(() => {
  for (const dir of [root, outside]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('file honeytokens', () => {
  it("plants an AWS credentials file (0600) holding the minted key pair, and the watch for its node's sentinel", async () => {
    const registry = await openRegistry();
    const path = join(root, 'home', 'app', '.aws', 'credentials');
    const minted = await registry.mint(fileRequest(path));
    expect(minted.honeytoken.kind).toBe(HoneytokenKind.HONEYTOKEN_KIND_FILE);
    expect(minted.honeytoken.name).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe(minted.fileContent);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const parsed = readAwsCredentials(path);
    expect(parsed['aws_access_key_id']).toBe(minted.secretId);
    expect(parsed['aws_secret_access_key']).toBe(minted.secretValue);
    expect(minted.secretId).toMatch(/^AKIA[A-Z2-7]{16}$/);

    const entry = await policy.get(fileWatchKey(NODE, minted.honeytoken.id));
    expect(entry?.operation).toBe('PUT');
    expect(FileWatch.decode(entry!.value)).toMatchObject({
      path,
      honeytokenId: minted.honeytoken.id,
      createdBy: 'omega://local/service/deception',
    });
    // the key pair, found in the file and tried at a decoy, is recognized as this honeytoken
    expect(registry.credentialCheck(minted.secretId, minted.secretValue)).toBe(
      minted.honeytoken.id,
    );
  });

  it('plants a .pgpass whose one line carries a minted password for user postgres', async () => {
    const registry = await openRegistry();
    const path = join(root, 'home', 'dba', '.pgpass');
    expect(fileFormatOf(path)).toBe('pgpass');
    const minted = await registry.mint(fileRequest(path));
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines).toHaveLength(1);
    const [host, port, database, user, password] = lines[0]!.split(':');
    expect({ host, port, database, user, password }).toEqual({
      host: 'db-primary',
      port: '5432',
      database: '*',
      user: 'postgres',
      password: minted.secretValue,
    });
    expect(registry.credentialCheck('postgres', minted.secretValue)).toBe(minted.honeytoken.id);
  });

  it('never writes over an existing file: ALREADY_EXISTS, the file untouched, nothing recorded', async () => {
    const registry = await openRegistry();
    const path = join(root, 'existing-credentials');
    writeFileSync(path, 'real content\n');
    const before = registry.list().length;
    await expect(registry.mint(fileRequest(path))).rejects.toMatchObject({
      code: Code.AlreadyExists,
      message: expect.stringContaining(path),
    });
    expect(readFileSync(path, 'utf8')).toBe('real content\n');
    expect(registry.list()).toHaveLength(before);
  });

  it('refuses a path outside the plant roots, also through a symlinked directory', async () => {
    const registry = await openRegistry();
    await expect(registry.mint(fileRequest(join(outside, 'credentials')))).rejects.toMatchObject({
      code: Code.PermissionDenied,
      message: expect.stringContaining('deception.files.plantRoots'),
    });
    symlinkSync(outside, join(root, 'escape'));
    await expect(
      registry.mint(fileRequest(join(root, 'escape', 'credentials'))),
    ).rejects.toMatchObject({ code: Code.PermissionDenied });
    expect(existsSync(join(outside, 'credentials'))).toBe(false);
  });

  it('mints without planting when asked, and refuses to plant without plant roots', async () => {
    const path = join(root, 'not-planted', 'credentials');
    const minted = await (await openRegistry()).mint(fileRequest(path, false));
    expect(minted.fileContent).toContain(minted.secretValue);
    expect(existsSync(path)).toBe(false);
    expect(await policy.get(fileWatchKey(NODE, minted.honeytoken.id))).toBeNull();
    await expect((await openRegistry(false)).mint(fileRequest(path))).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      message: expect.stringContaining('deception.files.plantRoots'),
    });
  });

  it("counts a sentinel's report of an open as a use of the file honeytoken, and nothing for another kind", async () => {
    const registry = await openRegistry();
    const stop = listenFileUses({ bus, fileUse: (id) => registry.fileUse(id), logger });
    try {
      const file = await registry.mint(fileRequest(join(root, 'counted', 'credentials')));
      const other = await registry.mint(
        validMint(
          MintHoneytokenRequest.fromPartial({
            kind: HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY,
            name: 'ci-key',
          }),
        ),
      );
      // what a sentinel publishes (apps/sentinel file-events.ts), for each honeytoken
      for (const id of [other.honeytoken.id, file.honeytoken.id]) {
        const event = Event.fromPartial({
          id: `open-${id}`,
          classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
          node: 'node-1',
          payload: {
            $case: 'deceptionInteraction',
            value: {
              kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
              decoyId: 'file',
              honeytokenId: id,
              protocol: 'file',
              sessionId: 'node-1:4242',
            },
          },
        });
        await publish(bus, subjects.deceptionFile('node-1'), Event, event, { msgId: event.id });
      }
      const counted = await eventually(
        'the open counted',
        () => {
          const token = registry.get(file.honeytoken.id);
          return token?.triggerCount === 1n ? token : undefined;
        },
        5_000,
      );
      expect(counted.status).toBe(HoneytokenStatus.HONEYTOKEN_STATUS_TRIGGERED);
      expect(registry.get(other.honeytoken.id)?.triggerCount).toBe(0n);
    } finally {
      stop();
    }
  });

  it('removes the file and its watch on revocation', async () => {
    const registry = await openRegistry();
    mkdirSync(join(root, 'revoked'), { recursive: true });
    const path = join(root, 'revoked', 'credentials');
    const minted = await registry.mint(fileRequest(path));
    await registry.revoke(minted.honeytoken.id, 'rotated');
    expect(existsSync(path)).toBe(false);
    const entry = await policy.get(fileWatchKey(NODE, minted.honeytoken.id));
    expect(entry?.operation).not.toBe('PUT');
  });

  it.each([
    ['a relative', 'home/app/.aws/credentials', 'not an absolute path'],
    ['a .. component in a', '/home/app/../root/.aws/credentials', 'not a normalized path'],
    ['a space in a', '/home/app/my credentials', 'whitespace or a control character at index 12'],
  ])('refuses %s path with INVALID_ARGUMENT naming the field', (_what, name, why) => {
    expect(() =>
      validMint(
        MintHoneytokenRequest.fromPartial({ kind: HoneytokenKind.HONEYTOKEN_KIND_FILE, name }),
      ),
    ).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        message: expect.stringMatching(new RegExp(`MintHoneytoken: name: .*${why}`)),
      }),
    );
  });
});
