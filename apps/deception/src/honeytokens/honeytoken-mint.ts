// Minting one honeytoken's value by kind (pure): the secret shown once and the recognizer kept in
// its place. Kinds whose channel is off fail with FAILED_PRECONDITION saying what is missing.
import { HoneytokenKind } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { Requester } from '@omega/trust-client';
import type { Recognizer } from './honeytoken-record';
import { mintFile } from './honeytoken-files';
import {
  fingerprint,
  mintAccessKey,
  mintCanaryUrl,
  mintCredential,
  mintDnsCanary,
  dnsCanaryKey,
  mintKubernetesSecret,
  mintKubernetesToken,
  nativePasswordStage2,
  saltedDigest,
  type MintedValue,
  type RandomBytes,
} from './honeytoken-values';

/** A validated MintHoneytoken request, with who asked. */
export interface NewHoneytoken {
  readonly kind: HoneytokenKind;
  readonly name: string;
  readonly namespace: string;
  readonly placement: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly plant: boolean;
  readonly ttlSeconds: number;
  readonly requestId: string;
  /** Who asked, for the audit log. */
  readonly requester?: Requester;
}

export interface MintContext {
  readonly random: RandomBytes;
  readonly nowMs: number;
  readonly canaryBaseUrl: string | undefined;
  /** The zone DNS canaries are minted under, when the responder serves one (deception.dns). */
  readonly dnsZone?: string | undefined;
  /** Whether Kubernetes kinds can be planted (deception.kubernetes.plant). */
  readonly canPlant: boolean;
  /** Whether files can be planted (deception.files.plantRoots is not empty). */
  readonly canPlantFiles: boolean;
}

/** A minted honeytoken's value, what recognizes it, and for a file its content and place. */
export type MintedHoneytokenValue = MintedValue & {
  recognizer: Recognizer;
  file?: { readonly path: string; readonly content: string };
};

/** Whether `kind` is planted as a Kubernetes Secret. */
export function isKubernetesKind(kind: HoneytokenKind): boolean {
  return (
    kind === HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET ||
    kind === HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN
  );
}

const SALT_BYTES = 16;

function salted(random: RandomBytes, value: MintedValue, principal: string): Recognizer {
  const salt = random(SALT_BYTES);
  return { principal, salt, secretSha256: saltedDigest(salt, value.secret) };
}

/** The value of a new honeytoken of `request.kind` and what recognizes its use. */
export function mintValue(
  request: NewHoneytoken,
  { random, nowMs, canaryBaseUrl, canPlant, canPlantFiles, dnsZone }: MintContext,
): MintedHoneytokenValue {
  const kind = HoneytokenKind[request.kind] ?? String(request.kind);
  if (request.plant && isKubernetesKind(request.kind) && !canPlant) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `MintHoneytoken plant: planting a ${kind} needs the deception service's Kubernetes client, which is off (deception.kubernetes.plant; with RBAC to create and delete Secrets in namespace "${request.namespace}"); mint with plant=false and place the value yourself`,
    );
  }
  switch (request.kind) {
    case HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL: {
      const value = mintCredential(random, request.name);
      const nativeStage2 = nativePasswordStage2(value.secret);
      return { ...value, recognizer: { ...salted(random, value, value.id), nativeStage2 } };
    }
    case HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY: {
      const value = mintAccessKey(random);
      return { ...value, recognizer: salted(random, value, value.id) };
    }
    case HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL: {
      if (canaryBaseUrl === undefined) {
        throw new OmegaError(
          Code.FailedPrecondition,
          'MintHoneytoken: canary URLs need the canary listener, which is not running (deception.canaryListen)',
        );
      }
      const { path, ...value } = mintCanaryUrl(random, canaryBaseUrl);
      return { ...value, recognizer: { fingerprint: fingerprint(path) } };
    }
    case HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET: {
      const value = mintKubernetesSecret(random);
      // Its use is a read of the Secret (seen in the Kubernetes audit log, a later part), or the
      // password presented at a decoy under the Secret's name.
      return { ...value, recognizer: salted(random, value, request.name) };
    }
    case HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN: {
      const value = mintKubernetesToken(random, request.namespace, request.name, nowMs);
      return { ...value, recognizer: { fingerprint: fingerprint(value.secret) } };
    }
    case HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY: {
      if (dnsZone === undefined) {
        throw new OmegaError(
          Code.FailedPrecondition,
          'MintHoneytoken: DNS canaries need the DNS responder, which is off (deception.dns.zone and deception.dns.listen)',
        );
      }
      const { label, ...value } = mintDnsCanary(random, dnsZone);
      return { ...value, recognizer: { fingerprint: fingerprint(dnsCanaryKey(label)) } };
    }
    case HoneytokenKind.HONEYTOKEN_KIND_FILE: {
      if (request.plant && !canPlantFiles) {
        throw new OmegaError(
          Code.FailedPrecondition,
          'MintHoneytoken plant: planting files needs deception.files.plantRoots (the directories this service may write honeytoken files below); mint with plant=false and place file_content yourself',
        );
      }
      const { content, ...value } = mintFile(random, request.name);
      // the key id or username is the principal: presented at a decoy, the secret triggers too
      return {
        ...value,
        recognizer: salted(random, value, value.id),
        file: { path: request.name, content },
      };
    }
    default:
      throw new OmegaError(Code.InvalidArgument, `MintHoneytoken kind: ${kind} is not a kind`);
  }
}
