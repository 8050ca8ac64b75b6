// The honeytokens a replica knows, indexed the ways a use is looked up: by id, by the principal
// presented with a secret (username, access key id) and by fingerprint (canary path, token).
import type { HoneytokenRecord } from './honeytoken-record';

export interface Known {
  readonly record: HoneytokenRecord;
  readonly revision: number;
}

export class HoneytokenIndex {
  readonly #known = new Map<string, Known>();
  readonly #byPrincipal = new Map<string, Set<string>>();
  readonly #byFingerprint = new Map<string, string>();

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
  }
}
