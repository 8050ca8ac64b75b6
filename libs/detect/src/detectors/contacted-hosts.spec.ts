// TRW's first-contact memory behaves as a Set of at most maxHosts hosts that forgets the oldest:
// checked against exactly that, a plain Set, on a seeded stream of hosts and clears.
import { ContactedHosts } from './contacted-hosts';
import { seededRandom } from '../rule-samples';

describe('ContactedHosts', () => {
  it.each([1, 2, 3, 64])('matches a Set capped at %i hosts, oldest forgotten first', (maxHosts) => {
    const hosts = new ContactedHosts(maxHosts);
    const reference = new Set<string>();
    const random = seededRandom(maxHosts);
    for (let step = 0; step < 20_000; step++) {
      if (random() < 0.01) {
        hosts.clear();
        reference.clear();
        continue;
      }
      const host = `10.0.0.${Math.floor(random() * (maxHosts * 3 + 2))}`;
      expect(hosts.has(host)).toBe(reference.has(host));
      if (reference.has(host)) continue;
      if (reference.size >= maxHosts) reference.delete(reference.values().next().value!);
      reference.add(host);
      hosts.add(host);
      expect(hosts.size).toBe(reference.size);
    }
  });
});
