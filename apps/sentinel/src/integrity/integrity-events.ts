// An integrity change (integrity-monitor.ts) as the OCSF File System Activity `UPDATE` the contract
// names (docs/sentinel-telemetry.md, category file_integrity): `file` the baseline, `file_result`
// the file now, with the kernel event that led to the check lending its actor and workload.
import { Event, EventClass, File, FileActivity, FileActivityId, Severity } from '@omega/proto';
import { uuidv7 } from '../events/event-id';
import type { FileState } from './file-state';
import type { IntegrityChange } from './integrity-monitor';

const NO_BYTES = Buffer.alloc(0);

function fileOf(state: FileState | undefined): File | undefined {
  if (!state) return undefined;
  return File.fromPartial({
    path: state.path,
    name: state.path.slice(state.path.lastIndexOf('/') + 1),
    inode: state.inode,
    device: state.device,
    sha256: state.sha256 ?? NO_BYTES,
    size: state.size,
    mode: state.mode,
    ownerUid: state.uid,
    ownerGid: state.gid,
    modifiedTimeNs: state.mtimeNs,
  });
}

const short = (state: FileState | undefined): string =>
  state?.sha256 ? state.sha256.toString('hex').slice(0, 12) : state ? `(${state.unhashed})` : '-';

/** The event of one change; `cause` is the kernel's file event that triggered the check. */
export function integrityEvent(
  change: IntegrityChange<Event>,
  node: string,
  timeNs: bigint,
): Event {
  const { path, before, after, changes, cause } = change;
  const process = cause?.actor?.process;
  const by = process ? ` by ${process.name} (pid ${process.pid})` : ' (rescan)';
  const unmapped: Record<string, string> = { 'fim.trigger': change.trigger };
  if (cause) {
    unmapped['fim.cause_event_id'] = cause.id;
    const cgroup = cause.unmapped['bpf.cgroup_id'];
    if (cgroup) unmapped['bpf.cgroup_id'] = cgroup;
  }
  const unhashed = after?.unhashed ?? before?.unhashed;
  if (unhashed) unmapped['fim.unhashed'] = unhashed;
  return Event.fromPartial({
    id: uuidv7(Number(timeNs / 1_000_000n)),
    timeNs,
    classUid: EventClass.EVENT_CLASS_FILE_ACTIVITY,
    severity: Severity.SEVERITY_MEDIUM,
    message: `integrity: ${path} ${changes.join(', ')} (sha256 ${short(before)} -> ${short(after)})${by}${change.coalesced ? `, ${change.coalesced} more folded in` : ''}`,
    ...(cause?.actor ? { actor: cause.actor } : {}),
    node,
    ...(cause?.workload ? { workload: cause.workload } : {}),
    unmapped,
    rawData: NO_BYTES,
    payload: {
      $case: 'fileActivity',
      value: FileActivity.fromPartial({
        activityId: FileActivityId.FILE_ACTIVITY_ID_UPDATE,
        file: fileOf(before),
        fileResult: fileOf(after),
        integrityChanges: changes,
        coalescedChanges: change.coalesced,
      }),
    },
  });
}
