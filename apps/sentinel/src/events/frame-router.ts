// Routes the loader's event frames to the publisher as Events (process, network, dns, file, the
// security records of audit.bpf.c; a
// honeytoken file's open also as a TOKEN_USE interaction) and its
// STATS frames to metrics and the batches' loss counts. DNS frames, one per packet to or from port
// 53 and so the bulk of the traffic, are encoded straight from their bytes (event-encoders.ts).
import type { Event } from '@omega/proto';
import { FlowExporter } from './flow-exporter';
import { writeDnsFrameEvent, writeFlowEvent } from './event-encoders';
import {
  FrameType,
  type Frame,
  type RawFrameHandler,
  type StatsFrame,
} from '../wire/loader-frames';
import { tcpStateEvent } from './network-events';
import { processEvent } from './process-events';
import { fileEvent, fileTokenUseEvent, type WatchedFile } from './file-events';
import { auditEvent, auditSubjectKind, type EnforcementPolicyName } from './audit-events';
import type { SentinelMetrics } from '../sentinel-metrics';
import type { TelemetryPublisher } from './telemetry-publisher';

/** Event frames received per probe (GetStatus reports them). */
export interface FrameCounts {
  exec: number;
  exit: number;
  tcp: number;
  flow: number;
  dns: number;
  file: number;
  /** AUDIT frames: privilege, ptrace, mount, namespace, module, bpf, socket, memfd, file operations. */
  audit: number;
}

export function newFrameCounts(): FrameCounts {
  return { exec: 0, exit: 0, tcp: 0, flow: 0, dns: 0, file: 0, audit: 0 };
}

export interface FrameRouterOptions {
  node: string;
  publisher: Pick<TelemetryPublisher, 'add' | 'addEncoded' | 'setLostRecords'>;
  metrics: SentinelMetrics;
  flowActiveTimeoutMs: number;
  /** Sees every STATS frame (GetStatus reports the latest). */
  onStats?(frame: StatsFrame): void;
  counts?: FrameCounts;
  /** Adds the Kubernetes workload to events that carry a cgroup id. */
  enrich?: (event: Event) => Event;
  /** The watched file a FILE frame's watch id names. */
  watchedFile?: (watchId: number) => WatchedFile | undefined;
  /** Takes the TOKEN_USE interaction of a honeytoken file opened. */
  tokenUse?: (event: Event) => void;
  /** Names the enforcement policy of an ENFORCE record (sentinel.enforcement). */
  enforcementPolicy?: EnforcementPolicyName;
  /** Sees every file operation under a watched prefix (paths: a rename's both), as published. */
  fileOperation?: (paths: string[], event: Event) => void;
}

/** The LoaderSupervisor's two frame callbacks. */
export interface FrameRoute {
  onFrame(frame: Frame): void;
  onRawFrame: RawFrameHandler;
}

export function frameRouter(options: FrameRouterOptions): FrameRoute {
  const { node, publisher, metrics } = options;
  const flows = new FlowExporter({ activeTimeoutMs: options.flowActiveTimeoutMs });
  const counts = options.counts ?? newFrameCounts();
  const enrich = options.enrich ?? ((event: Event): Event => event);
  const onRawFrame: RawFrameHandler = (type, body) => {
    if (type !== FrameType.Dns) return false;
    counts.dns++;
    let undecoded = false;
    publisher.addEncoded('dns', (w) => {
      undecoded = !writeDnsFrameEvent(w, body, node, 'ebpf');
      return !undecoded;
    });
    if (undecoded) metrics.undecodedDns.inc();
    return true;
  };
  const onFrame = (frame: Frame): void => {
    switch (frame.type) {
      case FrameType.Exec:
      case FrameType.Exit:
        counts[frame.type === FrameType.Exec ? 'exec' : 'exit']++;
        publisher.add('process', enrich(processEvent(frame, node)));
        return;
      case FrameType.TcpState:
        counts.tcp++;
        publisher.add('network', enrich(tcpStateEvent(frame, node)));
        return;
      case FrameType.File: {
        counts.file++;
        const watch = options.watchedFile?.(frame.watchId);
        const event = enrich(fileEvent(frame, node, watch));
        publisher.add('file', event);
        if (watch?.honeytokenId) options.tokenUse?.(fileTokenUseEvent(event, frame, watch));
        return;
      }
      case FrameType.Audit: {
        counts.audit++;
        const kind = auditSubjectKind(frame);
        const event = enrich(auditEvent(frame, node, options.enforcementPolicy));
        publisher.add(kind, event);
        if (kind === 'file' && options.fileOperation)
          options.fileOperation(frame.path2 ? [frame.path, frame.path2] : [frame.path], event);
        return;
      }
      case FrameType.Flow: {
        counts.flow++;
        const flow = flows.onFrame(frame);
        if (flow) {
          publisher.addEncoded('network', (w) => {
            writeFlowEvent(w, flow, node, 'ebpf');
            return true;
          });
        }
        return;
      }
      case FrameType.Stats: {
        const lost: Array<[string, bigint]> = [
          ['exec', frame.lostExec],
          ['exit', frame.lostExit],
          ['tcp', frame.lostTcp],
          ['dns', frame.lostDns],
          ['flow', frame.lostFlow],
          ['file', frame.lostFile],
          ['audit', frame.lostAudit],
          ['audit_rate_limited', frame.auditRateLimited],
        ];
        for (const [kind, n] of lost) metrics.ringbufLost.record(Number(n), { kind });
        metrics.xdpDropped.record(Number(frame.xdpDropped));
        metrics.stealthDropped.record(Number(frame.stealthUnknown), { reason: 'unknown_source' });
        metrics.stealthDropped.record(Number(frame.stealthRateLimited), { reason: 'rate_limited' });
        publisher.setLostRecords(lost.reduce((sum, [, n]) => sum + n, 0n));
        options.onStats?.(frame);
        return;
      }
      default:
        return;
    }
  };
  return { onFrame, onRawFrame };
}
