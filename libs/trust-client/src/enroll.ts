// Enrollment: a workload makes a hybrid key and a separate P-256 TLS key, proves possession of both
// and who it is (join token or Kubernetes service-account token) to trust, and gets back its
// identity, credential and a TLS certificate for the P-256 key.
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type * as grpc from '@grpc/grpc-js';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { IssueIdentityRequest, type IssueIdentityResponse } from '@omega/proto';
import {
  SignaturePurpose,
  encodeHybridPublicKey,
  generateHybridSecretKey,
  loadMlDsaBackend,
  HybridSigner,
  type HybridSecretKey,
  type MlDsaBackend,
} from '@omega/crypto';
import { credentialsFrom, type Credentials } from './credentials';
import { identityKindOf, type SubjectKind } from './subject';
import { DEFAULT_CALL_TIMEOUT_MS, trustServiceClient } from './trust-calls';

/** Where Kubernetes mounts a projected token; the pod spec asks for audience `omega-trust`. */
export const DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/omega/token';

interface EnrollCommon {
  /** `host:port` of the trust service's gRPC endpoint. */
  readonly trustAddress: string;
  readonly subjectKind: SubjectKind;
  /** The node for a sentinel, the service's name for a service. */
  readonly name: string;
  /** Requested credential lifetime; trust may shorten it. Default: trust's default (1 h). */
  readonly ttlSeconds?: number;
  /** How to reach trust (default insecure, as the local stack runs). */
  readonly channelCredentials?: grpc.ChannelCredentials;
  /** ML-DSA-65 implementation (default liboqs). */
  readonly mlDsa?: MlDsaBackend;
  /** The key to enroll (default: a fresh one). */
  readonly secretKey?: HybridSecretKey;
  readonly timeoutMs?: number;
  /**
   * Sends the request with this instead of a gRPC call to `trustAddress`: trust itself enrolls
   * in-process through its own issuer, so its identity is issued and logged like any other.
   */
  readonly issue?: (request: IssueIdentityRequest) => Promise<IssueIdentityResponse>;
}

export type EnrollOptions = EnrollCommon &
  (
    | { readonly joinToken: string; readonly serviceAccountTokenPath?: undefined }
    | { readonly serviceAccountTokenPath: string; readonly joinToken?: undefined }
  );

/** Enrolls with trust and returns the credentials it issued. */
export async function enroll(options: EnrollOptions): Promise<Credentials> {
  const mlDsa = options.mlDsa ?? (await loadMlDsaBackend('liboqs'));
  const secretKey = options.secretKey ?? generateHybridSecretKey(mlDsa);
  const signer = new HybridSigner(secretKey, mlDsa);
  // A key of its own for TLS, so that TLS and Omega signatures never share one.
  const tls = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlsPublicKeySpki = tls.publicKey.export({ format: 'der', type: 'spki' });
  const attestation =
    options.joinToken !== undefined
      ? { $case: 'joinToken' as const, value: options.joinToken }
      : {
          $case: 'kubernetesToken' as const,
          value: await readServiceAccountToken(options.serviceAccountTokenPath),
        };
  const request = IssueIdentityRequest.fromPartial({
    kind: identityKindOf(options.subjectKind),
    name: options.name,
    publicKey: secretKey.publicKey,
    attestation,
    proof: signer.sign(
      SignaturePurpose.ProofOfPossession,
      Buffer.concat([encodeHybridPublicKey(secretKey.publicKey), tlsPublicKeySpki]),
    ),
    ttlSeconds: options.ttlSeconds ?? 0,
    requestId: `enroll-${secretKey.keyId}`,
    tlsPublicKeySpki,
  });
  const response = await (options.issue ?? issueOverGrpc(options))(request);
  if (!response.identity || !response.credential) {
    throw new OmegaError(
      Code.Internal,
      `enroll ${options.subjectKind}/${options.name}: trust answered without identity or credential`,
    );
  }
  return credentialsFrom(response.identity, response.credential, secretKey, mlDsa, tls.privateKey);
}

function issueOverGrpc(
  options: EnrollOptions,
): (request: IssueIdentityRequest) => Promise<IssueIdentityResponse> {
  return async (request) => {
    const client = trustServiceClient(options.trustAddress, options.channelCredentials);
    try {
      return await client.issueIdentity(request, {
        timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      });
    } finally {
      client.close();
    }
  };
}

async function readServiceAccountToken(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `enroll: cannot read the service-account token at ${path}: ${errorMessage(err)}` +
        " (project one with audience 'omega-trust' into the pod)",
      { cause: err },
    );
  }
}
