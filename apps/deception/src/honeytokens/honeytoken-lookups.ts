// How the Kubernetes and DNS channels find the honeytoken a touch names, for
// HoneytokenRegistry.recognize: a Secret read by namespace and name, a bearer token by its
// fingerprint, a DNS canary by its label. Each yields only honeytokens of the kinds it may name.
import { HoneytokenKind } from '@omega/proto';
import type { HoneytokenIndex, Known } from './honeytoken-index';
import { dnsCanaryKey, fingerprint } from './honeytoken-values';

type Lookup = (index: HoneytokenIndex) => Iterable<Known>;

function ofKind(known: Known | undefined, kind: HoneytokenKind): Known[] {
  return known?.record.honeytoken.kind === kind ? [known] : [];
}

/**
 * The Kubernetes honeytokens stored as Secret `namespace`/`name` (a get); without a name those in
 * `namespace` (a list or watch), or in every namespace when it is '' (a cluster-wide list).
 */
export function secretLookup(namespace: string, name?: string): Lookup {
  return (index) => index.withSecret(namespace, name);
}

/** The KUBERNETES_TOKEN honeytoken whose value is `token` (a bearer token presented). */
export function kubernetesTokenLookup(token: string): Lookup {
  return (index) =>
    ofKind(
      index.withFingerprint(fingerprint(token)),
      HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
    );
}

/** The DNS_CANARY honeytoken whose label is `label` (any case). */
export function dnsCanaryLookup(label: string): Lookup {
  return (index) =>
    ofKind(
      index.withFingerprint(fingerprint(dnsCanaryKey(label))),
      HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY,
    );
}
