// Helpers and the acting-process fields every kernel-telemetry category shares
// (field-mapping-system.ts, field-mapping-files.ts): Image, CommandLine, ProcessId,
// ParentProcessId, User, Uid, Gid, Syscall, Result (docs/sentinel-telemetry.md).
import { Code, OmegaError } from '@omega/errors';
import {
  Actor,
  Event,
  FileActivity,
  KernelActivity,
  KernelExtensionActivity,
  Process,
  ProcessActivity,
  User,
} from '@omega/proto';
import type { SigmaFieldMapping } from './field-mapping';

export type FieldSpec = Omit<SigmaFieldMapping, 'sigmaField' | 'slot'>;
export type Payload = NonNullable<Event['payload']>;

export const text = (v: string | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : v;

function payloadValue(event: Event): { syscall?: string; result?: bigint } | undefined {
  const p = event.payload;
  if (!p) return undefined;
  return p.$case === 'processActivity' ||
    p.$case === 'kernelActivity' ||
    p.$case === 'kernelExtensionActivity' ||
    p.$case === 'fileActivity'
    ? p.value
    : undefined;
}

function actorProcess(event: Event): Process {
  event.actor ??= Actor.fromPartial({});
  event.actor.process ??= Process.fromPartial({});
  return event.actor.process;
}

function actorUser(event: Event): User {
  event.actor ??= Actor.fromPartial({});
  event.actor.user ??= User.fromPartial({});
  return event.actor.user;
}

export function str(
  omegaField: string,
  read: (e: Event) => string | undefined,
  write: (e: Event, v: string) => void,
): FieldSpec {
  return {
    omegaField,
    type: 'string',
    read: (e) => text(read(e)),
    write: (e, v) => write(e, String(v)),
  };
}

export function num(
  omegaField: string,
  read: (e: Event) => number | bigint | undefined,
  write: (e: Event, v: number) => void,
): FieldSpec {
  return {
    omegaField,
    type: 'number',
    read: (e) => {
      const v = read(e);
      return v === undefined ? undefined : Number(v);
    },
    write: (e, v) => write(e, Number(v)),
  };
}

/** Who did it, and which call: every category below has these. */
export const actorFields: Record<string, FieldSpec> = {
  Image: str(
    'actor.process.executable_path',
    (e) => e.actor?.process?.executablePath,
    (e, v) => void (actorProcess(e).executablePath = v),
  ),
  CommandLine: str(
    'actor.process.cmd_line',
    (e) => e.actor?.process?.cmdLine,
    (e, v) => void (actorProcess(e).cmdLine = v),
  ),
  ProcessId: num(
    'actor.process.pid',
    (e) => e.actor?.process?.pid || undefined,
    (e, v) => void (actorProcess(e).pid = v),
  ),
  ParentProcessId: num(
    'actor.process.parent.pid',
    (e) => e.actor?.process?.parent?.pid || undefined,
    (e, v) => void (actorProcess(e).parent = Process.fromPartial({ pid: v })),
  ),
  User: str(
    'actor.user.name, else actor.user.posix_uid in decimal',
    (e) => text(e.actor?.user?.name) ?? e.actor?.user?.posixUid?.toString(),
    (e, v) => {
      if (/^\d+$/.test(v)) actorUser(e).posixUid = Number(v);
      else actorUser(e).name = v;
    },
  ),
  Uid: num(
    'actor.user.posix_uid',
    (e) => e.actor?.user?.posixUid,
    (e, v) => void (actorUser(e).posixUid = v),
  ),
  Gid: num(
    'actor.user.posix_gid',
    (e) => e.actor?.user?.posixGid,
    (e, v) => void (actorUser(e).posixGid = v),
  ),
  Syscall: str(
    '<payload>.syscall',
    (e) => payloadValue(e)?.syscall,
    (e, v) => {
      const p = payloadValue(e);
      if (p) p.syscall = v;
    },
  ),
  Result: num(
    '<payload>.result',
    (e) => payloadValue(e)?.result,
    (e, v) => {
      const p = payloadValue(e);
      if (p) p.result = BigInt(v);
    },
  ),
};

export const processOf = (e: Event): ProcessActivity | undefined =>
  e.payload?.$case === 'processActivity' ? e.payload.value : undefined;
export const kernelOf = (e: Event): KernelActivity | undefined =>
  e.payload?.$case === 'kernelActivity' ? e.payload.value : undefined;
export const moduleOf = (e: Event): KernelExtensionActivity | undefined =>
  e.payload?.$case === 'kernelExtensionActivity' ? e.payload.value : undefined;
export const fileOf = (e: Event): FileActivity | undefined =>
  e.payload?.$case === 'fileActivity' ? e.payload.value : undefined;

/** The payload a sample field writes into; its category's newEvent made it. */
export function need<T>(value: T | undefined, kind: string): T {
  if (!value) throw new OmegaError(Code.InvalidArgument, `not a ${kind} event`);
  return value;
}
