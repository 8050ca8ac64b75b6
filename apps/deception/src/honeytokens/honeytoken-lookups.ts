// How each channel finds the honeytoken a touch names, for HoneytokenRegistry.recognize: a canary
// URL by its path, a Secret read by namespace and name, a bearer token by its fingerprint, a DNS
// canary by its label, a watched file by its id. Each yields only honeytokens of the kinds it may
// name.
import { HoneytokenKind } from '@omega/proto';
import type { HoneytokenIndex, Known } from './honeytoken-index';
import {
  digestMatches,
  dnsCanaryKey,
  fingerprint,
  nativePasswordMatches,
} from './honeytoken-values';

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

/** The CANARY_URL honeytoken served at `path`. */
export function canaryUrlLookup(path: string): Lookup {
  return (index) =>
    ofKind(index.withFingerprint(fingerprint(path)), HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL);
}

/** The FILE honeytoken `id` (the sentinels report a watched file's open by its honeytoken id). */
export function fileLookup(id: string): Lookup {
  return (index) => ofKind(index.get(id), HoneytokenKind.HONEYTOKEN_KIND_FILE);
}

/**
 * The honeytokens `username`/`secret` is: a credential or access key presented with its principal
 * (each candidate's salted digest compared in constant time), or a service-account token presented
 * as the secret (by its fingerprint).
 */
export function credentialLookup(username: string, secret: string): Lookup {
  return function* (index) {
    for (const [, known] of index.withPrincipal(username)) {
      const { salt, secretSha256 } = known.record.recognizer;
      if (salt !== undefined && secretSha256 !== undefined) {
        if (digestMatches(salt, secret, secretSha256)) yield known;
      }
    }
    yield* ofKind(
      index.withFingerprint(fingerprint(secret)),
      HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
    );
  };
}

/**
 * For MySQL decoys (mysql_native_password): the CREDENTIAL honeytokens of `username` whose password
 * answers `scramble` with `token`, judged from SHA1(SHA1(password)) as a MySQL server does.
 */
export function nativePasswordLookup(username: string, scramble: Buffer, token: Buffer): Lookup {
  return function* (index) {
    for (const [, known] of index.withPrincipal(username)) {
      const stage2 = known.record.recognizer.nativeStage2;
      if (stage2 !== undefined && nativePasswordMatches(stage2, scramble, token)) yield known;
    }
  };
}
