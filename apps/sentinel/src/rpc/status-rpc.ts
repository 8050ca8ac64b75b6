// GetStatus: what this sentinel runs (probes, XDP attachments), its counters and its batches.
import { release } from 'node:os';
import { XdpMode, type GetStatusResponse, type ModuleStatus, type ProbeStatus } from '@omega/proto';
import type { BatchSigning } from '../events/batch-signing-key';
import type { FrameCounts } from '../events/frame-router';
import type { StatsFrame } from '../wire/loader-frames';
import type { LoaderSupervisor, XdpAttachment } from '../wire/loader-supervisor';
import type { TelemetryPublisher } from '../events/telemetry-publisher';

export interface StatusDeps {
  node: string;
  version: string;
  startTimeNs: bigint;
  /** Why the sentinel runs without probes, in off mode. */
  offReason?: string;
  signing: BatchSigning;
  publisher: TelemetryPublisher;
  loader?: LoaderSupervisor;
  xdp: XdpAttachment[];
  counts: FrameCounts;
  latestStats(): StatsFrame | undefined;
  blockCount(): Promise<number>;
  /** Files the kernel watches now: the file probe is attached only while there is one. */
  watchedFiles?(): number;
  /** The detection modules loaded (modules/module-host.ts). */
  modules?(): ModuleStatus[];
}

const PROBES: Array<{
  name: keyof FrameCounts;
  attachPoint: string;
  lost: (s: StatsFrame) => bigint;
}> = [
  { name: 'exec', attachPoint: 'tp_btf/sched_process_exec', lost: (s) => s.lostExec },
  { name: 'exit', attachPoint: 'tp_btf/sched_process_exit', lost: (s) => s.lostExit },
  { name: 'tcp', attachPoint: 'tp_btf/inet_sock_set_state', lost: (s) => s.lostTcp },
  { name: 'flow', attachPoint: 'tc', lost: (s) => s.lostFlow },
  { name: 'dns', attachPoint: 'tc', lost: (s) => s.lostDns },
  { name: 'file', attachPoint: 'tp_btf/sys_exit', lost: (s) => s.lostFile },
  { name: 'audit', attachPoint: 'audit', lost: (s) => s.lostAudit + s.auditRateLimited },
];

export async function getStatus(deps: StatusDeps): Promise<GetStatusResponse> {
  const running = deps.loader?.running ?? false;
  const features = deps.loader?.features ?? [];
  const stats = deps.latestStats();
  const notRunning = deps.offReason ?? 'the eBPF loader is not running (restarting)';
  const probes: ProbeStatus[] = PROBES.map((p) => {
    const loaded = running && features.includes(p.attachPoint);
    const idle = loaded && p.name === 'file' && (deps.watchedFiles?.() ?? 0) === 0;
    const attached = loaded && !idle;
    return {
      name: p.name,
      attachPoint: p.attachPoint,
      attached,
      error: attached ? '' : idle ? 'no file is watched (omega_policy filewatch.>)' : notRunning,
      eventsTotal: BigInt(deps.counts[p.name]),
      droppedTotal: stats ? p.lost(stats) : 0n,
    };
  });
  const published = deps.publisher.stats;
  const signer = deps.signing.signer();
  return {
    node: deps.node,
    identity: { id: deps.signing.senderId, keyId: signer.keyId },
    version: deps.version,
    kernelRelease: release(),
    startTimeNs: deps.startTimeNs,
    probes,
    xdp: deps.xdp.map((a) => ({
      interface: a.netns ? `${a.interface}@${a.netns}` : a.interface,
      mode: a.mode === 'native' ? XdpMode.XDP_MODE_NATIVE : XdpMode.XDP_MODE_GENERIC,
      attached: running,
      error: running ? '' : notRunning,
      // the kernel counts drops per program, not per interface: every attachment shares it
      droppedPacketsTotal: stats?.xdpDropped ?? 0n,
    })),
    modules: deps.modules?.() ?? [],
    blockCount: running ? await deps.blockCount() : 0,
    eventsTotal: published.eventsAccepted,
    batchesTotal: published.batchesPublished,
    sessionId: published.sessionId,
    lastBatchSequence: published.lastPublishedSequence,
    pendingBatches: BigInt(published.pendingBatches),
  };
}
