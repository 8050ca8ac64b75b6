// Decoys placed in Kubernetes (`deception.decoys.placement: kubernetes`): each a Deployment, a
// Service and a NetworkPolicy shaped like the namespace's own workloads, recorded in omega_decoys
// (the only place that says which objects are decoys), and kept true by a reconcile loop
// (decoy-reconcile.ts): objects of removed, vanished or expired decoys deleted, missing ones made again.
import { isDecoyId, newDecoyId, type KV } from '@omega/bus';
import { Decoy, DecoyKind, DecoyStatus, type DecoySpec } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import { decoyManifests, type DecoyManifests, type DecoyRelay } from './decoy-manifests';
import type { DecoyObjects } from './decoy-objects';
import type { DecoyReconcileMetrics } from './decoy-reconcile';
import { routeOf, type RelayedHoneypots } from '../relay/relayed-honeypots';
import { checkDecoySpec } from './decoy-spec';

export interface KubeDecoysOptions {
  readonly kv: KV;
  readonly objects: DecoyObjects;
  readonly relay: DecoyRelay;
  /** Namespaces decoys may be placed in (config); any other is refused. */
  readonly namespaces: readonly string[];
  /** Decoy kinds the deception service can answer for. */
  readonly kinds: ReadonlySet<DecoyKind>;
  /** Most decoy records read from the bucket in one pass. */
  readonly maxDecoys: number;
  readonly logger: Logger;
  readonly metrics?: DecoyReconcileMetrics;
  /** The honeypots the decoys' relays reach (absent: objects only, as in the API-server specs). */
  readonly honeypots?: RelayedHoneypots;
  readonly clock?: () => number;
}

export class KubeDecoys {
  /** Every decoy this process knows, by id (the bucket's records, and any it created since). */
  readonly decoys = new Map<string, Decoy>();
  readonly clock: () => number;

  constructor(readonly options: KubeDecoysOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Reads every record of the bucket (after a restart nothing is lost). */
  async restore(): Promise<Map<string, Decoy>> {
    const found = new Map<string, Decoy>();
    for await (const key of await this.options.kv.keys()) {
      if (!isDecoyId(key)) continue;
      if (found.size >= this.options.maxDecoys) {
        this.options.logger.warn(
          { maxDecoys: this.options.maxDecoys },
          `${this.options.maxDecoys} decoy records read, the rest skipped this pass`,
        );
        break;
      }
      const entry = await this.options.kv.get(key);
      if (entry === null || entry.operation !== 'PUT') continue;
      try {
        const decoy = Decoy.decode(entry.value);
        if (decoy.address.endsWith('.svc:' + String(decoy.spec?.port))) found.set(key, decoy);
      } catch (err) {
        this.options.logger.error(
          { err, key },
          `omega_decoys ${key} unreadable, skipped: ${errorMessage(err)}`,
        );
      }
    }
    for (const [id, decoy] of found) this.decoys.set(id, decoy);
    return found;
  }

  /** The namespace of a spec, refused (naming the field) unless configured for decoys. */
  #namespace(spec: DecoySpec, method: string): string {
    const allowed = this.options.namespaces;
    if (!allowed.includes(spec.namespace)) {
      const list = allowed.length ? allowed.join(', ') : 'none configured';
      throw new OmegaError(
        Code.InvalidArgument,
        `${method}: spec.namespace: ${JSON.stringify(spec.namespace)} is not a decoy namespace (deception.decoys.kubernetes.namespaces: ${list})`,
      );
    }
    return spec.namespace;
  }

  /** The manifests of `decoy` from its namespace's workloads as they are now. */
  async manifestsOf(decoy: Decoy): Promise<DecoyManifests> {
    const spec = decoy.spec!;
    const workloads = await this.options.objects.workloads(spec.namespace);
    return decoyManifests({
      spec,
      route: routeOf(decoy.id),
      ...workloads,
      relay: this.options.relay,
    });
  }

  async deploy(
    input: DecoySpec | undefined,
    method: string,
    dryRun: boolean,
  ): Promise<{ decoy: Decoy; manifestsYaml: string }> {
    const checked = checkDecoySpec(input, method, this.options.kinds, { nameOptional: true });
    const namespace = this.#namespace(checked, method);
    const id = newDecoyId();
    const workloads = await this.options.objects.workloads(namespace);
    const manifests = decoyManifests({
      spec: checked,
      route: routeOf(id),
      ...workloads,
      relay: this.options.relay,
    });
    const taken = [...workloads.deployments, ...workloads.services].some(
      (o) => o.metadata?.name === manifests.name,
    );
    if (checked.name !== '' && taken) {
      throw new OmegaError(
        Code.AlreadyExists,
        `${method}: spec.name: ${JSON.stringify(checked.name)} is taken by a Deployment or Service in ${namespace}`,
      );
    }
    const spec: DecoySpec = { ...checked, name: manifests.name };
    let decoy = Decoy.fromPartial({
      id,
      spec,
      status: DecoyStatus.DECOY_STATUS_PENDING,
      address: `${manifests.name}.${namespace}.svc:${spec.port}`,
      createTimeNs: BigInt(this.clock()) * 1_000_000n,
    });
    const manifestsYaml = this.options.objects.yaml(manifests);
    if (dryRun) return { decoy, manifestsYaml };
    try {
      await this.options.objects.create(manifests);
    } catch (err) {
      // Leave nothing half made: what was created is deleted, the record says why.
      await this.options.objects.remove(namespace, manifests.name).catch(() => undefined);
      decoy = {
        ...decoy,
        status: DecoyStatus.DECOY_STATUS_FAILED,
        statusMessage: errorMessage(err).slice(0, 512),
      };
      await this.save(decoy);
      throw new OmegaError(
        err instanceof OmegaError ? err.code : Code.Unavailable,
        `${method}: decoy ${id} (${namespace}/${manifests.name}): ${errorMessage(err)}`,
        { cause: err },
      );
    }
    decoy = { ...decoy, status: DecoyStatus.DECOY_STATUS_RUNNING };
    await this.options.honeypots?.start(decoy);
    await this.save(decoy);
    return { decoy, manifestsYaml };
  }

  /** The decoys, with the interactions their honeypots saw in this process (not persisted). */
  list(filter: { namespace: string; kind: DecoyKind; includeRemoved: boolean }): Decoy[] {
    return [...this.decoys.values()]
      .map((d) => {
        const seen = this.options.honeypots?.activity(d.id);
        return seen
          ? { ...d, interactionCount: seen.count, lastInteractionTimeNs: seen.lastTimeNs }
          : d;
      })
      .filter(
        (d) =>
          (filter.namespace === '' || d.spec?.namespace === filter.namespace) &&
          (filter.kind === DecoyKind.DECOY_KIND_UNSPECIFIED || d.spec?.kind === filter.kind) &&
          (filter.includeRemoved || d.status !== DecoyStatus.DECOY_STATUS_REMOVED),
      )
      .sort((a, b) =>
        a.createTimeNs < b.createTimeNs ? -1 : a.createTimeNs > b.createTimeNs ? 1 : 0,
      );
  }

  async remove(id: string, reason: string, method: string): Promise<Decoy> {
    const decoy = this.decoys.get(id);
    if (decoy === undefined)
      throw new OmegaError(Code.NotFound, `${method}: decoy ${id} not found`);
    if (decoy.status === DecoyStatus.DECOY_STATUS_REMOVED) return decoy;
    const spec = decoy.spec!;
    try {
      await this.options.objects.remove(spec.namespace, spec.name);
    } catch (err) {
      throw new OmegaError(
        err instanceof OmegaError ? err.code : Code.Unavailable,
        `${method}: decoy ${id} (${spec.namespace}/${spec.name}): ${errorMessage(err)}`,
        { cause: err },
      );
    }
    await this.options.honeypots?.stop(id);
    const removed: Decoy = {
      ...decoy,
      status: DecoyStatus.DECOY_STATUS_REMOVED,
      statusMessage: reason.slice(0, 256),
      removeTimeNs: BigInt(this.clock()) * 1_000_000n,
    };
    await this.save(removed);
    return removed;
  }

  async save(decoy: Decoy): Promise<void> {
    this.decoys.set(decoy.id, decoy);
    await this.options.kv.put(decoy.id, Decoy.encode(decoy).finish());
  }
}
