// The honeytokens a replica knows, indexed the ways a use is looked up: by id, by the principal
// presented with a secret (username, access key id), by fingerprint (canary path, token, DNS
// label) and, for the Kubernetes kinds, by the Secret they are stored as (namespace, name).
import { isKubernetesKind } from './honeytoken-mint';
import type { HoneytokenRecord } from './honeytoken-record';

export interface Known {
  readonly record: HoneytokenRecord;
  readonly revision: number;
}

export class HoneytokenIndex {
  readonly #known = new Map<string, Known>();
  readonly #byPrincipal = new Map<string, Set<string>>();
  readonly #byFingerprint = new Map<string, string>();
  /** namespace → Secret name → ids. */
  readonly #bySecret = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.#known.size;
  }

  get(id: string): Known | undefined {
    return this.#known.get(id);
  }

  values(): IterableIterator<Known> {
    return this.#known.values();
  }

  /** The known honeytokens presented with `principal`. */
  *withPrincipal(principal: string): Generator<[string, Known]> {
    for (const id of this.#byPrincipal.get(principal) ?? []) {
      const known = this.#known.get(id);
      if (known !== undefined) yield [id, known];
    }
  }

  withFingerprint(print: string): Known | undefined {
    const id = this.#byFingerprint.get(print);
    return id === undefined ? undefined : this.#known.get(id);
  }

  /**
   * The known Kubernetes honeytokens stored as Secret `namespace`/`name`; without a name, every one
   * in `namespace`; with namespace '' too, every one (a cluster-wide list).
   */
  *withSecret(namespace: string, name?: string): Generator<Known> {
    const namespaces =
      namespace === '' ? [...this.#bySecret.values()] : [this.#bySecret.get(namespace)];
    for (const names of namespaces) {
      if (names === undefined) continue;
      const idSets = name === undefined ? [...names.values()] : [names.get(name)];
      for (const ids of idSets) {
        for (const id of ids ?? []) {
          const known = this.#known.get(id);
          if (known !== undefined) yield known;
        }
      }
    }
  }

  /** Keeps `known` unless a newer revision is already here (a stale watch delivery). */
  remember(id: string, known: Known): void {
    const before = this.#known.get(id);
    if (before !== undefined && before.revision > known.revision) return;
    this.forget(id);
    this.#known.set(id, known);
    const { principal, fingerprint: print } = known.record.recognizer;
    if (principal !== undefined) {
      const ids = this.#byPrincipal.get(principal) ?? new Set<string>();
      ids.add(id);
      this.#byPrincipal.set(principal, ids);
    }
    if (print !== undefined) this.#byFingerprint.set(print, id);
    const { kind, namespace, name } = known.record.honeytoken;
    if (isKubernetesKind(kind) && name !== '') {
      const names = this.#bySecret.get(namespace) ?? new Map<string, Set<string>>();
      names.set(name, (names.get(name) ?? new Set<string>()).add(id));
      this.#bySecret.set(namespace, names);
    }
  }

  forget(id: string): void {
    const known = this.#known.get(id);
    if (known === undefined) return;
    this.#known.delete(id);
    const { principal, fingerprint: print } = known.record.recognizer;
    if (principal !== undefined) {
      const ids = this.#byPrincipal.get(principal);
      ids?.delete(id);
      if (ids?.size === 0) this.#byPrincipal.delete(principal);
    }
    if (print !== undefined && this.#byFingerprint.get(print) === id) {
      this.#byFingerprint.delete(print);
    }
    const { namespace, name } = known.record.honeytoken;
    const names = this.#bySecret.get(namespace);
    const ids = names?.get(name);
    ids?.delete(id);
    if (ids?.size === 0) names?.delete(name);
    if (names?.size === 0) this.#bySecret.delete(namespace);
  }
}
