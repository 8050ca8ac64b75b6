// Noise control: interactions from sources a cluster trusts to poke at ports (kubelet probes,
// Prometheus, a vulnerability scanner) are not published as alert-capable events, only counted
// with the reason. Configured under `deception.ignore`; CIDRs parsed by ipaddr.js. Pure.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { Interaction } from './honeypots/honeypot';

/** Entries per list at most: a list is read on every interaction. */
const MAX_ENTRIES = 1_000;

const CIDR_HINT = 'not a CIDR or address (e.g. 10.42.0.0/16, 127.0.0.1, fd00::/8)';

/** `10.42.0.0/16`, `fd00::/8` or one address (`127.0.0.1`, `::1`), as ipaddr.js accepts them. */
function validCidr(entry: string): boolean {
  const valid = entry.includes('/')
    ? ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValidCIDR(entry)
    : ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry);
  return valid;
}

export const ignoreConfigSchema = z
  .strictObject({
    /** Source CIDRs (or single addresses) whose interactions are ignored, e.g. the node network. */
    sources: z
      .array(
        z
          .string()
          .max(64)
          // The config loader adds the path and the value: `sources[1]: not a CIDR ..., got "..."`.
          .refine(validCidr, CIDR_HINT),
      )
      .max(MAX_ENTRIES)
      .default([]),
    /** Decoy ports whose interactions are ignored (a port a load balancer health-checks). */
    ports: z.array(z.int().min(1).max(65_535)).max(MAX_ENTRIES).default([]),
    /**
     * Client software identities, matched case-insensitively as a substring of what the client
     * named itself: an SSH identification string ("SSH-2.0-Go") or an HTTP User-Agent
     * ("kube-probe/", "Prometheus/").
     */
    clients: z.array(z.string().min(3).max(256)).max(MAX_ENTRIES).default([]),
  })
  .prefault({});

export type IgnoreConfig = z.output<typeof ignoreConfigSchema>;

/** Why an interaction was ignored: the metric's `reason` label. */
export type IgnoreReason = 'source' | 'port' | 'client';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export class IgnoreList {
  readonly #ranges: Range[];
  readonly #ports: ReadonlySet<number>;
  readonly #clients: readonly string[];

  constructor(config: IgnoreConfig) {
    this.#ranges = config.sources.map((entry) => {
      if (!validCidr(entry)) {
        throw new TypeError(`deception.ignore.sources: ${JSON.stringify(entry)}: ${CIDR_HINT}`);
      }
      if (entry.includes('/')) return ipaddr.parseCIDR(entry);
      const address = ipaddr.parse(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    });
    this.#ports = new Set(config.ports);
    this.#clients = config.clients.map((client) => client.toLowerCase());
  }

  /** True when nothing is listed (the filter is skipped). */
  get empty(): boolean {
    return this.#ranges.length === 0 && this.#ports.size === 0 && this.#clients.length === 0;
  }

  /**
   * Why `interaction` on a decoy listening on `decoyPort` is ignored, or undefined. A honeytoken
   * use is never ignored: a trusted source that holds a planted credential is compromised.
   */
  reasonFor(interaction: Interaction, decoyPort: number): IgnoreReason | undefined {
    if (interaction.honeytokenId !== undefined) return undefined;
    if (this.#ports.has(decoyPort)) return 'port';
    if (this.#ranges.length > 0 && this.#sourceListed(interaction.source.ip)) return 'source';
    const client = interaction.clientSoftware?.toLowerCase();
    if (client !== undefined && this.#clients.some((listed) => client.includes(listed)))
      return 'client';
    return undefined;
  }

  #sourceListed(ip: string): boolean {
    if (!ipaddr.isValid(ip)) return false;
    // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 one.
    const address = ipaddr.process(ip);
    return this.#ranges.some(
      ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
    );
  }
}
