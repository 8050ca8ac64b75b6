// Maps the loader's EXEC/EXIT frames to OCSF Process Activity `Event`s.
import {
  EventClass,
  ProcessAction,
  ProcessActivityId,
  Severity,
  type Event,
  type Process,
} from '@omega/proto';
import { uuidv7 } from './event-id';
import { FrameType, type ExecFrame, type ExitFrame } from '../wire/loader-frames';

const NO_BYTES = Buffer.alloc(0);

export function processEvent(frame: ExecFrame | ExitFrame, node: string): Event {
  const exec = frame.type === FrameType.Exec;
  const process: Process = {
    pid: frame.pid,
    uid: `${node}:${frame.pid}:${frame.startTimeNs}`,
    name: frame.comm,
    executablePath: exec ? frame.filename : '',
    args: exec ? frame.args : [],
    cmdLine: exec ? frame.args.join(' ') : '',
    workingDirectory: '',
    startTimeNs: frame.startTimeNs,
    executableSha256: NO_BYTES,
    user: { name: '', posixUid: frame.uid, posixGid: frame.gid, groups: [] },
    parent: {
      pid: frame.ppid,
      uid: '',
      name: '',
      executablePath: '',
      args: [],
      cmdLine: '',
      workingDirectory: '',
      startTimeNs: 0n,
      executableSha256: NO_BYTES,
    },
  };
  const unmapped: Record<string, string> = { 'bpf.cgroup_id': frame.cgroupId.toString() };
  if (exec && frame.argsTruncated) unmapped['bpf.args_truncated'] = 'true';
  const exitCode = exec ? 0 : (frame.exitStatus >> 8) & 0xff;
  if (!exec && (frame.exitStatus & 0x7f) !== 0) {
    unmapped['process.exit_signal'] = String(frame.exitStatus & 0x7f);
  }
  // a complete message (the compiler checks every field), not Event.fromPartial's deep copy of
  // the process twice over
  const event: Event = {
    id: uuidv7(Number(frame.timeNs / 1_000_000n)),
    timeNs: frame.timeNs,
    classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: exec
      ? `exec ${frame.filename} (pid ${frame.pid}, ppid ${frame.ppid})`
      : `exit ${frame.comm} (pid ${frame.pid}, code ${exitCode})`,
    actor: { process, user: process.user },
    srcEndpoint: undefined,
    dstEndpoint: undefined,
    node,
    workload: undefined,
    unmapped,
    rawData: NO_BYTES,
    payload: {
      $case: 'processActivity',
      value: {
        activityId: exec
          ? ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH
          : ProcessActivityId.PROCESS_ACTIVITY_ID_TERMINATE,
        process,
        exitCode,
        action: ProcessAction.PROCESS_ACTION_UNSPECIFIED,
        syscall: '',
        result: 0n,
        credentials: undefined,
        requestedIds: [],
        ptraceRequest: '',
        execFile: '',
      },
    },
  };
  return event;
}
