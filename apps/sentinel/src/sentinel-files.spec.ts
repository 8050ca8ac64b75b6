// Real-kernel test of the file probe: the sentinel watches the files omega_policy names
// (filewatch.>, as deception writes them for its file honeytokens); real `cat` and `head` opening
// one raise a FILE_ACTIVITY event on TELEMETRY and, for a honeytoken file, a TOKEN_USE interaction
// on DECEPTION; a neighbour in the same directory raises nothing; a rename keeps the watch (it is
// the inode's), a new file written at the old path is not watched. Needs root, BTF, make -C bpf.
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectBus,
  fileWatchKey,
  POLICY_ALL_NODES,
  subjects,
  type Bus,
  type KV,
} from '@omega/bus';
import {
  Event,
  EventBatch,
  EventClass,
  FileActivityId,
  FileWatch,
  InteractionKind,
} from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { eventually, withNats } from '@omega/testkit';
import { buildSentinel, sentinelServiceConfigSchema, type SentinelParts } from './sentinel-service';
import { DEFAULT_LOADER_PATH } from './sentinel-config';
import { buildLoader } from './testing/loader-build';

const NODE = 'file-node';
const HONEYTOKEN = '0123456789abcdef';
const nats = withNats();
let running: RunningService<unknown>;
let parts: SentinelParts;
let bus: Bus;
let policy: KV;
let dir: string;
const telemetry: Event[] = [];
const interactions: Event[] = [];

/** Runs `command args` through a shell that prints its pid and then execs it (same pid). */
function runPid(command: string, ...args: string[]): number {
  const out = execFileSync('sh', ['-c', 'echo $$; exec "$0" "$@" >/dev/null', command, ...args], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

/**
 * Whether the loader holds a link of the file probe to the sys_exit tracepoint (its fds, as the
 * kernel lists them): links to sys_exit beyond the security telemetry's one (audit.bpf.c, always
 * attached here).
 */
function sysExitAttached(): boolean {
  const pid = parts.loader!.pid!;
  const links = readdirSync(`/proc/${pid}/fdinfo`).filter((fd) => {
    try {
      return /^tp_name:\s+sys_exit$/m.test(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
    } catch {
      return false; // closed meanwhile
    }
  });
  return links.length > 1;
}

function fileOpens(): Array<Event & { payload: { $case: 'fileActivity' } }> {
  return telemetry.filter(
    (e): e is Event & { payload: { $case: 'fileActivity' } } => e.payload?.$case === 'fileActivity',
  );
}

function openOf(pid: number) {
  return fileOpens().find((e) => e.actor?.process?.pid === pid);
}

async function watch(id: string, path: string, honeytokenId: string): Promise<void> {
  const value = FileWatch.fromPartial({ path, honeytokenId, createdBy: 'spec' });
  const before = parts.files!.counts().applied;
  await policy.put(fileWatchKey(POLICY_ALL_NODES, id), FileWatch.encode(value).finish());
  await eventually(
    `watch ${id} applied`,
    () => parts.files!.counts().applied > before || undefined,
    15_000,
  );
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error('sentinel file spec: must run as root (CAP_BPF, CAP_PERFMON); CI runs as root');
  }
  buildLoader('sentinel file spec');
  dir = mkdtempSync(join(tmpdir(), 'omega-sentinel-files-'));
  const configFile = join(dir, 'sentinel.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      grpc: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      nats: { servers: [nats.url] },
      log: { level: 'warn' },
      sentinel: {
        node: NODE,
        mode: 'ebpf',
        loaderPath: DEFAULT_LOADER_PATH,
        dataDir: join(dir, 'state'),
        flushIntervalMs: 20,
        auditPolicyChanges: false,
        kubernetes: { mode: 'off' },
        files: { retryIntervalMs: 200 },
      },
    }),
  );
  running = await runService({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    resources: { streams: ['TELEMETRY', 'DECEPTION', 'DLQ'], kv: ['omega_policy'] },
    env: { OMEGA_CONFIG_FILE: configFile },
    argv: [],
    installSignalHandlers: false,
    build: async (p) => {
      parts = await buildSentinel(p);
    },
  });
  nats.beforeStop(async () => {
    await bus?.drain();
    await running?.service.shutdown('test done');
  });
  bus = await connectBus({
    servers: [nats.url],
    name: 'sentinel-files-spec',
    logger: running.service.logger,
  });
  policy = await bus.kv('omega_policy');
  const files = await (
    await bus.js.consumers.get('TELEMETRY', { filter_subjects: [`omega.telemetry.file.${NODE}`] })
  ).consume();
  void (async () => {
    for await (const m of files) telemetry.push(...EventBatch.decode(m.data).events);
  })();
  const touches = await (
    await bus.js.consumers.get('DECEPTION', { filter_subjects: [subjects.deceptionFile(NODE)] })
  ).consume();
  void (async () => {
    for await (const m of touches) interactions.push(Event.decode(m.data));
  })();
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('file probe (real kernel)', () => {
  it('loads the file probe, and attaches it only while a file is watched', () => {
    expect(parts.mode).toBe('ebpf');
    expect(parts.loader?.features).toContain('tp_btf/sys_exit');
    // nothing watched yet: no program runs at every syscall's exit
    expect(sysExitAttached()).toBe(false);
  });

  it('reports a real cat of a watched honeytoken file as a file event and a TOKEN_USE interaction, and nothing for its unwatched neighbour', async () => {
    const aws = join(dir, 'aws');
    execFileSync('mkdir', ['-p', aws]);
    const credentials = join(aws, 'credentials');
    const neighbour = join(aws, 'config');
    writeFileSync(credentials, '[default]\naws_access_key_id = AKIAEXAMPLE\n');
    writeFileSync(neighbour, '[default]\nregion = eu-west-1\n');
    await watch(HONEYTOKEN, credentials, HONEYTOKEN);

    const neighbourPid = runPid('cat', neighbour);
    const catPid = runPid('cat', credentials);
    const opened = await eventually('file event of cat', () => openOf(catPid), 15_000);
    expect(opened.classUid).toBe(EventClass.EVENT_CLASS_FILE_ACTIVITY);
    expect(opened.node).toBe(NODE);
    expect(opened.actor?.process).toMatchObject({ pid: catPid, name: 'cat' });
    expect(opened.actor?.user?.posixUid).toBe(0);
    expect(opened.payload.value).toMatchObject({
      activityId: FileActivityId.FILE_ACTIVITY_ID_OPEN,
      file: {
        path: credentials,
        name: 'credentials',
        inode: BigInt(statSync(credentials).ino),
      },
    });
    // O_RDONLY (cat adds no write bits)
    expect(opened.payload.value.openFlags & 3).toBe(0);
    expect(opened.unmapped).toMatchObject({
      'honeytoken.id': HONEYTOKEN,
      'file.watch_id': HONEYTOKEN,
    });

    const touch = await eventually(
      'TOKEN_USE of cat',
      () => interactions.find((e) => e.actor?.process?.pid === catPid),
      15_000,
    );
    expect(touch.classUid).toBe(EventClass.EVENT_CLASS_DECEPTION_INTERACTION);
    expect(touch.payload?.$case === 'deceptionInteraction' && touch.payload.value).toMatchObject({
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      honeytokenId: HONEYTOKEN,
      protocol: 'file',
      sessionId: `${NODE}:${catPid}`,
    });
    // the neighbour was opened first, in the same directory: its open made no record at all
    expect(openOf(neighbourPid)).toBeUndefined();
    expect(fileOpens().some((e) => e.payload.value.file?.path === neighbour)).toBe(false);
  });

  it('keeps watching the file under its new name after a rename, and not a new file at the old path', async () => {
    const credentials = join(dir, 'aws', 'credentials');
    const moved = join(dir, 'aws', 'credentials.bak');
    renameSync(credentials, moved);
    const headPid = runPid('head', '-c', '1', moved);
    const opened = await eventually('file event of head', () => openOf(headPid), 15_000);
    expect(opened.payload.value.file?.path).toBe(moved);
    expect(opened.unmapped['honeytoken.id']).toBe(HONEYTOKEN);

    writeFileSync(credentials, 'a new file at the old path\n');
    const newFilePid = runPid('cat', credentials);
    // a later open of the moved file is reported: the new file's open (before it) was not
    const laterPid = runPid('cat', moved);
    await eventually('file event of the later cat', () => openOf(laterPid), 15_000);
    expect(openOf(newFilePid)).toBeUndefined();
  });

  it('stops reporting a file once its watch is deleted from omega_policy', async () => {
    const moved = join(dir, 'aws', 'credentials.bak');
    const marker = join(dir, 'marker');
    writeFileSync(marker, 'x\n');
    await watch('marker', marker, '');
    await policy.delete(fileWatchKey(POLICY_ALL_NODES, HONEYTOKEN));
    await eventually(
      'watch removed',
      () => parts.files!.counts().applied === 1 || undefined,
      15_000,
    );
    const unwatchedPid = runPid('cat', moved);
    const markerPid = runPid('cat', marker);
    const markerOpen = await eventually(
      'file event of the marker',
      () => openOf(markerPid),
      15_000,
    );
    expect(sysExitAttached()).toBe(true);
    expect(markerOpen.unmapped['honeytoken.id']).toBeUndefined();
    expect(openOf(unwatchedPid)).toBeUndefined();
    // a plain watched file is telemetry only: no interaction
    expect(interactions.some((e) => e.actor?.process?.pid === markerPid)).toBe(false);
  });

  it('skips a watch that is not a FileWatch or names a relative path, counting each, and keeps the others', async () => {
    const rejected = async (): Promise<number> =>
      (
        await running.service.metrics
          .getSingleMetric('omega_sentinel_file_watches_rejected_total')
          ?.get()
      )?.values[0]?.value ?? 0;
    const before = await rejected();
    await policy.put(fileWatchKey(POLICY_ALL_NODES, 'garbage'), Buffer.from([0xff, 0xff, 0xff]));
    await policy.put(
      fileWatchKey(POLICY_ALL_NODES, 'relative'),
      FileWatch.encode(FileWatch.fromPartial({ path: 'etc/shadow' })).finish(),
    );
    await eventually(
      'both counted',
      async () => ((await rejected()) === before + 2 ? true : undefined),
      15_000,
    );
    expect(parts.files!.counts()).toEqual({ applied: 1, waiting: 0 });
  });

  it('detaches the probe once the last watch is deleted', async () => {
    await policy.delete(fileWatchKey(POLICY_ALL_NODES, 'marker'));
    await eventually(
      'no watch left',
      () => parts.files!.counts().applied === 0 || undefined,
      15_000,
    );
    expect(sysExitAttached()).toBe(false);
  });
});
