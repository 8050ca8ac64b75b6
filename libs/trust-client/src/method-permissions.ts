// The one permission table: which identities may call each omega.v1 gRPC method, checked on every
// call from the verified peer certificate (call-authorizer.ts). docs/authorization.md is its
// human form; a method without a row is refused.
import { Code, OmegaError } from '@omega/runtime';
import { parseSubject, type SubjectKind } from './subject';

/**
 * Who may call: `<kind>/<name>` (`service/orchestrator`) or `<kind>/*` (`sentinel/*`), matched
 * against the caller's certificate subject `omega://<cluster>/<kind>/<name>`.
 */
export type CallerPattern = `${SubjectKind}/${string}`;

export interface MethodPermission {
  /**
   * `anyone`: no certificate needed (enrollment before a workload has one, the public log,
   * bootstrap). Otherwise the callers allowed, each needing a verified, unrevoked certificate.
   */
  readonly callers: 'anyone' | readonly CallerPattern[];
  /** Why, where the row is not obvious from the method's name. */
  readonly why?: string;
}

/** People, through the CLI with an operator certificate or through the gateway that fronts them. */
const PEOPLE: readonly CallerPattern[] = ['operator/*', 'service/gateway'];
/** Every kind of enrolled workload. */
const ANY_WORKLOAD: readonly CallerPattern[] = ['sentinel/*', 'service/*', 'edge/*', 'operator/*'];

const trust = {
  IssueIdentity: {
    callers: 'anyone',
    why: 'enrollment: a workload has no certificate yet; the join or Kubernetes token and the proof of possession authenticate it',
  },
  RenewIdentity: {
    callers: ANY_WORKLOAD,
    why: 'each identity renews only itself: trust also checks that the certificate names the identity renewed and that the current credential trust signed is presented',
  },
  RevokeIdentity: { callers: PEOPLE },
  GetIdentity: {
    callers: PEOPLE,
    why: 'services verify signatures from omega_identities themselves and never call it',
  },
  ListIdentities: { callers: PEOPLE },
  VerifyBatch: {
    callers: ['service/*', 'operator/*'],
    why: 'a verification oracle for services without a local verifier; sentinels and edge hosts only produce batches',
  },
  VerifySignature: { callers: ['service/*', 'operator/*'] },
  Sign: {
    callers: ['service/gateway', 'operator/*'],
    why: 'trust signs as itself for the caller: for the gateway (tokens, console) and operators, never for workloads that hold their own key',
  },
  AppendAudit: {
    callers: [
      'service/intelligence',
      'service/orchestrator',
      'service/gateway',
      'service/deception',
      'sentinel/*',
    ],
    why: 'the writers of audit facts: intelligence (alerts, rule changes), the orchestrator (actions), the gateway (people), deception (honeytokens minted and revoked) and sentinels (the blocks BlockSource/UnblockSource write, logged before they take effect); trust logs identities itself',
  },
  AppendAuditBatch: {
    callers: ['service/intelligence', 'service/orchestrator', 'service/gateway'],
  },
  ListAuditEntries: {
    callers: 'anyone',
    why: 'the log is public, like the C2SP tlog endpoints: anyone verifies it (omega audit verify)',
  },
  GetCheckpoint: { callers: 'anyone', why: 'public log' },
  GetInclusionProof: { callers: 'anyone', why: 'public log' },
  GetConsistencyProof: { callers: 'anyone', why: 'public log' },
  AttestArtifact: { callers: PEOPLE, why: 'omega attest: a person vouches for an artifact' },
  VerifyArtifact: { callers: 'anyone', why: 'answers from the public log' },
  GetTrustBundle: {
    callers: 'anyone',
    why: 'bootstrap: what a workload pins before it trusts anything',
  },
} as const satisfies Record<string, MethodPermission>;

const intelligence = {
  ListAlerts: { callers: PEOPLE },
  GetAlert: { callers: PEOPLE },
  StreamAlerts: {
    callers: PEOPLE,
    why: 'the orchestrator takes alerts from the ALERTS stream, not from this call',
  },
  ListIncidents: { callers: PEOPLE },
  GetIncident: { callers: PEOPLE },
  ExplainAlert: { callers: PEOPLE },
  ListRules: { callers: PEOPLE },
  ValidateRules: { callers: PEOPLE },
  LoadRules: { callers: PEOPLE },
  TestRules: { callers: PEOPLE, why: 'costly (replays events through rules): people only' },
  SetRuleEnabled: { callers: PEOPLE },
} as const satisfies Record<string, MethodPermission>;

const orchestrator = {
  StartPlaybook: {
    callers: PEOPLE,
    why: 'alerts start playbooks through the ALERTS stream; this call is for people',
  },
  GetWorkflow: { callers: PEOPLE },
  ListWorkflows: { callers: PEOPLE },
  CancelWorkflow: { callers: PEOPLE },
  SignalWorkflow: { callers: PEOPLE, why: 'approvals are a person’s decision' },
  ListPlaybooks: { callers: PEOPLE },
  ValidatePlaybook: { callers: PEOPLE },
  WatchWorkflow: { callers: PEOPLE },
  PutPlaybook: { callers: PEOPLE },
} as const satisfies Record<string, MethodPermission>;

const deception = {
  DeployDecoy: {
    callers: ['service/orchestrator', ...PEOPLE],
    why: 'the deploy_decoy playbook action calls it',
  },
  ListDecoys: { callers: PEOPLE },
  RemoveDecoy: { callers: PEOPLE },
  MintHoneytoken: { callers: PEOPLE },
  ListHoneytokens: { callers: PEOPLE },
  RevokeHoneytoken: { callers: PEOPLE },
  ListInteractions: { callers: PEOPLE },
} as const satisfies Record<string, MethodPermission>;

const twin = {
  GetGraph: { callers: PEOPLE },
  FindAttackPaths: { callers: PEOPLE },
  SimulateWhatIf: {
    callers: ['service/orchestrator', ...PEOPLE],
    why: 'the simulate playbook action asks it before acting',
  },
  ResetEnv: { callers: PEOPLE, why: 'RL defenders come in through the gateway' },
  StepEnv: { callers: PEOPLE },
  CloseEnv: { callers: PEOPLE },
  AssessExposure: { callers: PEOPLE },
} as const satisfies Record<string, MethodPermission>;

const sentinel = {
  GetStatus: { callers: PEOPLE },
  BlockSource: {
    callers: PEOPLE,
    why: 'playbooks block through the omega_policy KV bucket every sentinel watches, not this call',
  },
  UnblockSource: { callers: PEOPLE },
  ListBlocks: { callers: PEOPLE },
  LoadModule: { callers: PEOPLE },
  UnloadModule: { callers: PEOPLE },
  ReplayPcap: { callers: PEOPLE, why: 'reads a file on the node: people only' },
} as const satisfies Record<string, MethodPermission>;

const gateway = {
  WhoAmI: {
    callers: ANY_WORKLOAD,
    why: 'for certificate callers; token callers (and callers without a credential) get the gateway’s role table (apps/gateway gateway-roles.ts)',
  },
  CheckAccess: { callers: ANY_WORKLOAD },
  GetServerInfo: { callers: ANY_WORKLOAD },
  CreateToken: {
    callers: ['operator/*'],
    why: 'tokens are for people; workloads hold their own certificate',
  },
  ListTokens: { callers: ['operator/*'] },
  RevokeToken: { callers: ['operator/*'] },
} as const satisfies Record<string, MethodPermission>;

/**
 * gRPC server reflection (v1 and v1alpha), which the gateway serves beside the contract: the
 * standard service grpcurl and other tools describe a server with. (grpc.health.v1 is served
 * outside the table: anyone may ask whether a server is up.)
 */
export const REFLECTION_METHOD_PATHS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
] as const;

const reflection: MethodPermission = {
  callers: ANY_WORKLOAD,
  why: 'describes the contract, which is public (proto/), to tools such as grpcurl; like every other method it needs a certificate from trust',
};

function rows(
  service: string,
  methods: Record<string, MethodPermission>,
): [string, MethodPermission][] {
  return Object.entries(methods).map(([method, permission]) => [
    `/omega.v1.${service}/${method}`,
    permission,
  ]);
}

/** Every omega.v1 method by its gRPC path (`/omega.v1.TrustService/RenewIdentity`), and reflection. */
export const METHOD_PERMISSIONS: ReadonlyMap<string, MethodPermission> = new Map([
  ...rows('TrustService', trust),
  ...rows('IntelligenceService', intelligence),
  ...rows('OrchestratorService', orchestrator),
  ...rows('DeceptionService', deception),
  ...rows('TwinService', twin),
  ...rows('SentinelService', sentinel),
  ...rows('GatewayService', gateway),
  ...REFLECTION_METHOD_PATHS.map((path): [string, MethodPermission] => [path, reflection]),
]);

/** True when `pattern` (`service/orchestrator`, `sentinel/*`) names `kind`/`name`. */
export function callerMatches(pattern: CallerPattern, kind: SubjectKind, name: string): boolean {
  const slash = pattern.indexOf('/');
  const patternKind = pattern.slice(0, slash);
  const patternName = pattern.slice(slash + 1);
  return patternKind === kind && (patternName === '*' || patternName === name);
}

/**
 * Whether `subject` (a verified certificate's, or undefined without one) may call `method`, by
 * the table: undefined when allowed, otherwise the refusal naming the method and the caller.
 */
export function methodRefusal(
  method: string,
  subject: string | undefined,
  table: ReadonlyMap<string, MethodPermission> = METHOD_PERMISSIONS,
): OmegaError | undefined {
  const permission = table.get(method);
  if (permission === undefined) {
    return new OmegaError(
      Code.PermissionDenied,
      `${method}: no row in the method permission table, so nobody may call it (caller ${subject ?? 'without a certificate'})`,
    );
  }
  if (permission.callers === 'anyone') return undefined;
  if (subject === undefined) {
    return new OmegaError(
      Code.Unauthenticated,
      `${method}: needs a client certificate from trust (allowed: ${permission.callers.join(', ')})`,
    );
  }
  const { kind, name } = parseSubject(subject);
  if (permission.callers.some((pattern) => callerMatches(pattern, kind, name))) return undefined;
  return new OmegaError(
    Code.PermissionDenied,
    `${method}: ${subject} may not call it (allowed: ${permission.callers.join(', ')})`,
  );
}
