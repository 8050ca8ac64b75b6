// The hosts one source made first contact with (TRW's first-contact test), oldest first, at most
// `maxHosts` of them: past it the oldest is forgotten.
//
// In a sweep of new sources, each source contacts one host before its state is evicted and reused,
// so the first host is held in a field and a Set is made only at the second; a reused state keeps
// its Set (emptied) rather than making another.
export class ContactedHosts {
  /** The one host contacted while `hosts` is unused ('' for none). */
  private first = '';
  private hosts: Set<string> | undefined;

  constructor(private readonly maxHosts: number) {}

  get size(): number {
    return this.hosts ? this.hosts.size : this.first === '' ? 0 : 1;
  }

  has(host: string): boolean {
    return this.hosts ? this.hosts.has(host) : host !== '' && host === this.first;
  }

  /** Adds a host not contacted yet (`has(host)` is false), forgetting the oldest past the cap. */
  add(host: string): void {
    if (!this.hosts) {
      if (this.first === '') {
        this.first = host;
        return;
      }
      this.hosts = new Set([this.first]);
      this.first = '';
    }
    if (this.hosts.size >= this.maxHosts) this.hosts.delete(this.hosts.values().next().value!);
    this.hosts.add(host);
  }

  clear(): void {
    this.first = '';
    if (this.hosts && this.hosts.size > 0) this.hosts.clear();
  }
}
