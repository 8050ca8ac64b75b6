// Maps the loader's FILE frames to OCSF File System Activity `Event`s, and an open of a honeytoken
// file to the TOKEN_USE interaction deception's other honeytokens raise (deception-touch's shape).
import {
  EventClass,
  File,
  FileActivityId,
  InteractionKind,
  DecoyKind,
  Severity,
  type Event,
  type Process,
} from '@omega/proto';
import { uuidv7 } from './event-id';
import type { FileFrame } from '../wire/loader-frames';

const NO_BYTES = Buffer.alloc(0);
/** The decoy id a honeytoken file's interactions carry (the canary URL listener's is "canary"). */
export const FILE_DECOY_ID = 'file';

/** What a watched file is to the sentinel: its omega_policy key's id and the honeytoken it holds. */
export interface WatchedFile {
  readonly id: string;
  readonly path: string;
  readonly honeytokenId: string;
}

const ACCESS_MODES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'] as const;
const FLAG_NAMES: ReadonlyArray<[number, string]> = [
  [0o100, 'O_CREAT'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'],
  [0o10000000, 'O_PATH'],
];

/** "O_RDONLY|O_NOFOLLOW": the open flags people read (x86-64 and arm64 share these values). */
export function openFlagsText(flags: number): string {
  const names: string[] = [ACCESS_MODES[flags & 3]!];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) names.push(name);
  return names.join('|');
}

function actorProcess(frame: FileFrame): Process {
  return {
    pid: frame.pid,
    uid: '',
    name: frame.comm,
    executablePath: '',
    args: [],
    cmdLine: '',
    workingDirectory: '',
    startTimeNs: 0n,
    executableSha256: NO_BYTES,
    user: { name: '', posixUid: frame.uid, posixGid: frame.gid, groups: [] },
    parent: undefined,
  };
}

function unmappedOf(frame: FileFrame, watch: WatchedFile | undefined): Record<string, string> {
  const unmapped: Record<string, string> = {
    'bpf.cgroup_id': frame.cgroupId.toString(),
    'file.watch_id': watch?.id ?? '',
  };
  if (watch?.honeytokenId) unmapped['honeytoken.id'] = watch.honeytokenId;
  return unmapped;
}

/** The File System Activity event of an open of a watched file (`watch` undefined: unwatched since). */
export function fileEvent(frame: FileFrame, node: string, watch: WatchedFile | undefined): Event {
  const path = frame.path || watch?.path || '';
  const process = actorProcess(frame);
  return {
    id: uuidv7(Number(frame.timeNs / 1_000_000n)),
    timeNs: frame.timeNs,
    classUid: EventClass.EVENT_CLASS_FILE_ACTIVITY,
    severity: watch?.honeytokenId ? Severity.SEVERITY_HIGH : Severity.SEVERITY_INFORMATIONAL,
    message: `open ${path} (${openFlagsText(frame.flags)}) by ${frame.comm} (pid ${frame.pid}, uid ${frame.uid})`,
    actor: { process, user: process.user },
    srcEndpoint: undefined,
    dstEndpoint: undefined,
    node,
    workload: undefined,
    unmapped: unmappedOf(frame, watch),
    rawData: NO_BYTES,
    payload: {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_OPEN,
        file: File.fromPartial({
          path,
          name: path.slice(path.lastIndexOf('/') + 1),
          inode: frame.inode,
          device: frame.device,
        }),
        openFlags: frame.flags,
        fileResult: undefined,
        mode: undefined,
        ownerUid: undefined,
        ownerGid: undefined,
        syscall: '',
        result: 0n,
        integrityChanges: [],
        coalescedChanges: 0,
      },
    },
  };
}

/**
 * The TOKEN_USE interaction of an open of honeytoken file `watch` (its file event `fileEvent`
 * made with the same frame, enriched): the detector names the honeytoken, the workload that opened
 * it (the event's pod) and what was done; one session per process, so a process reading the file
 * twice is one alert.
 */
export function fileTokenUseEvent(fileEvent: Event, frame: FileFrame, watch: WatchedFile): Event {
  const path = frame.path || watch.path;
  return {
    ...fileEvent,
    id: uuidv7(Number(frame.timeNs / 1_000_000n)),
    classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    severity: Severity.SEVERITY_CRITICAL,
    message: `honeytoken file ${path} opened by ${frame.comm} (pid ${frame.pid}, uid ${frame.uid}) on ${fileEvent.node}`,
    unmapped: { ...fileEvent.unmapped, 'file.path': path },
    payload: {
      $case: 'deceptionInteraction',
      value: {
        kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
        decoyId: FILE_DECOY_ID,
        decoyKind: DecoyKind.DECOY_KIND_UNSPECIFIED,
        honeytokenId: watch.honeytokenId,
        protocol: 'file',
        username: '',
        request: `open ${path} (${openFlagsText(frame.flags)}) by ${frame.comm} pid ${frame.pid} uid ${frame.uid}`,
        payloadSample: NO_BYTES,
        sessionId: `${fileEvent.node}:${frame.pid}`,
      },
    },
  };
}
