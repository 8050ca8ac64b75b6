// What the gateway forwards: each public omega.v1 service and the backend that answers it, as
// grpc-js definitions whose (de)serializers pass the bytes through untouched, so a message crosses
// the gateway without being decoded or re-encoded.
import type * as grpc from '@grpc/grpc-js';
import {
  DeceptionServiceService,
  IntelligenceServiceService,
  OrchestratorServiceService,
  SentinelServiceService,
  TrustServiceService,
  TwinServiceService,
} from '@omega/proto';
import type { ServiceName } from '@omega/service';

export type Backend = Exclude<ServiceName, 'gateway'>;

/**
 * TrustService methods the gateway does not forward, and why: forwarded, trust would see the
 * gateway's certificate instead of the caller's, so each of these would act for the gateway.
 */
export const TRUST_METHODS_NOT_FORWARDED: Readonly<Record<string, string>> = {
  IssueIdentity:
    'enrollment: the workload has no certificate yet and the gateway asks for one; it goes to trust directly',
  RenewIdentity: 'renews the certificate presented, which would be the gateway’s own',
  Sign: 'trust signs for the gateway itself (tokens); a forwarded Sign would be signed at the gateway’s request',
  AppendAudit: 'audit facts are written by their author with its own identity, not as the gateway',
  AppendAuditBatch:
    'audit facts are written by their author with its own identity, not as the gateway',
  VerifyBatch: 'a verification oracle for services inside the mesh, which call trust directly',
};

export interface ForwardedService {
  readonly backend: Backend;
  /** The backend's definition: the one a client of the gateway uses. */
  readonly definition: grpc.ServiceDefinition;
  /** Same paths and kinds, with byte-for-byte (de)serializers. */
  readonly passThrough: grpc.ServiceDefinition;
  /** Methods (by name) answered UNIMPLEMENTED with the reason instead of forwarded. */
  readonly notForwarded: Readonly<Record<string, string>>;
}

const passBytes = (bytes: Buffer): Buffer => bytes;

/** `definition` with every method passing its request and response bytes through. */
export function passThroughDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const methods: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const [key, method] of Object.entries(definition)) {
    methods[key] = {
      path: method.path,
      requestStream: method.requestStream,
      responseStream: method.responseStream,
      requestSerialize: passBytes,
      requestDeserialize: passBytes,
      responseSerialize: passBytes,
      responseDeserialize: passBytes,
    };
  }
  return methods;
}

/** `Method` of `/package.Service/Method`. */
export function methodName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function forwarded(
  backend: Backend,
  definition: grpc.ServiceDefinition,
  notForwarded: Readonly<Record<string, string>> = {},
): ForwardedService {
  return { backend, definition, passThrough: passThroughDefinition(definition), notForwarded };
}

/** Every service the gateway forwards, in the order GetServerInfo lists them. */
export const FORWARDED_SERVICES: readonly ForwardedService[] = [
  forwarded('trust', TrustServiceService, TRUST_METHODS_NOT_FORWARDED),
  forwarded('intelligence', IntelligenceServiceService),
  forwarded('orchestrator', OrchestratorServiceService),
  forwarded('deception', DeceptionServiceService),
  forwarded('twin', TwinServiceService),
  forwarded('sentinel', SentinelServiceService),
];
