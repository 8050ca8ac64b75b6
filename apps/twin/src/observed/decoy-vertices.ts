// Deception's decoys as DECOY vertices (`decoy/<namespace>/<name>`): read from the omega_decoys
// bucket deception keeps (one protobuf Decoy per `dc-<12 hex>` key) and followed by a KV watch. A
// removed decoy leaves the graph; one an attacker touched (interactions > 0) is alerted.
import type { Vertex } from '@omega/attack-graph';
import { Decoy, DecoyKind, DecoyStatus, GraphNodeKind } from '@omega/proto';
import { isDecoyId, type KV } from '@omega/bus';
import { errorMessage, type Logger } from '@omega/runtime';

/** deception's decoy record keys (apps/deception decoy-host.ts); its other keys are not decoys. */

/** A decoy is worth nothing to an attacker; it matters only as a place they are seen. */
const CRITICALITY_DECOY = 0;

export function decoyVertex(decoy: Decoy): Vertex | undefined {
  const spec = decoy.spec;
  if (!spec?.name || decoy.status === DecoyStatus.DECOY_STATUS_REMOVED) return undefined;
  return {
    id: `decoy/${spec.namespace || '-'}/${spec.name}`,
    kind: GraphNodeKind.GRAPH_NODE_KIND_DECOY,
    name: spec.name,
    namespace: spec.namespace,
    labels: { ...spec.labels },
    attributes: {
      decoy_id: decoy.id,
      decoy_kind: (DecoyKind[spec.kind] ?? '').replace('DECOY_KIND_', ''),
      port: String(spec.port),
      address: decoy.address,
      status: (DecoyStatus[decoy.status] ?? '').replace('DECOY_STATUS_', ''),
      interaction_count: String(decoy.interactionCount),
    },
    criticality: CRITICALITY_DECOY,
    alerted: decoy.interactionCount > 0n,
  };
}

export class DecoyVertices {
  private readonly byKey = new Map<string, Vertex>();
  private changes = 0;
  private readonly stopping = new AbortController();
  private stopWatch: (() => void) | undefined;

  constructor(
    private readonly maxDecoys: number,
    private readonly logger: Logger,
  ) {}

  get version(): number {
    return this.changes;
  }

  vertices(): Vertex[] {
    return [...this.byKey.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Follows the bucket until stop(); `open` is retried while the bucket does not exist yet. */
  async follow(open: () => Promise<KV>, retryMs: number): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        const watch = await (await open()).watch();
        this.stopWatch = () => watch.stop();
        for await (const entry of watch) {
          if (!isDecoyId(entry.key)) continue;
          if (entry.operation !== 'PUT') this.remove(entry.key);
          else this.put(entry.key, entry.value);
        }
      } catch (err) {
        if (signal.aborted) return;
        this.logger.info(
          { err: errorMessage(err) },
          `twin: deception's decoys are not readable yet (${errorMessage(err)}); trying again in ${retryMs} ms`,
        );
      }
      // stop() ends the watch's loop without an error: an abort that already happened never fires.
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  stop(): void {
    this.stopping.abort();
    this.stopWatch?.();
  }

  private put(key: string, value: Uint8Array): void {
    let vertex: Vertex | undefined;
    try {
      vertex = decoyVertex(Decoy.decode(value));
    } catch (err) {
      this.logger.warn(
        { key, err: errorMessage(err) },
        `twin: omega_decoys ${key} unreadable, skipped`,
      );
      return;
    }
    if (!vertex) return this.remove(key);
    if (!this.byKey.has(key) && this.byKey.size >= this.maxDecoys) {
      this.logger.warn(
        { key, maxDecoys: this.maxDecoys },
        `twin: decoy ${key} left out: ${this.maxDecoys} decoys held (maxDecoys)`,
      );
      return;
    }
    this.byKey.set(key, vertex);
    this.changes++;
  }

  private remove(key: string): void {
    if (this.byKey.delete(key)) this.changes++;
  }
}
