// Who may call what through the gateway, by role: the one table the gateway checks for people
// (bearer tokens and operator certificates), in human form in docs/gateway.md ("Roles"). Roles
// are ordered: each grants what the ones before it grant. Workloads calling with their own
// certificate are checked against the method permission table instead (libs/trust-client).
// Pure: no I/O.

/** The roles, least to most. */
export const ROLES = ['viewer', 'responder', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleRow {
  /** The least role that may call the method; 'anyone' needs no credential at all. */
  readonly role: Role | 'anyone';
  /** The call changes state: a refusal is written to the audit log. */
  readonly changes: boolean;
}

const read = (role: Role = 'viewer'): RoleRow => ({ role, changes: false });
/** What the method permission table opens to anyone: the public audit log, the CA bundle. */
const open: RoleRow = { role: 'anyone', changes: false };
const change = (role: Role): RoleRow => ({ role, changes: true });

const gateway = {
  WhoAmI: open,
  GetServerInfo: read(),
  CheckAccess: read(),
  // Every caller may make, list and revoke its own tokens; for others' the handler asks admin.
  CreateToken: change('viewer'),
  ListTokens: read(),
  RevokeToken: change('viewer'),
} as const satisfies Record<string, RoleRow>;

const trust = {
  RevokeIdentity: change('admin'),
  GetIdentity: read(),
  ListIdentities: read(),
  VerifySignature: read(),
  ListAuditEntries: open,
  GetCheckpoint: open,
  GetInclusionProof: open,
  GetConsistencyProof: open,
  AttestArtifact: change('operator'),
  VerifyArtifact: open,
  GetTrustBundle: open,
} as const satisfies Record<string, RoleRow>;

const intelligence = {
  ListAlerts: read(),
  GetAlert: read(),
  StreamAlerts: read(),
  ListIncidents: read(),
  GetIncident: read(),
  ExplainAlert: read(),
  ListRules: read(),
  ValidateRules: read(),
  // Replays events through rules: costly, so not for viewers, though it changes nothing.
  TestRules: read('responder'),
  LoadRules: change('operator'),
  SetRuleEnabled: change('operator'),
} as const satisfies Record<string, RoleRow>;

const orchestrator = {
  StartPlaybook: change('responder'),
  GetWorkflow: read(),
  ListWorkflows: read(),
  CancelWorkflow: change('responder'),
  SignalWorkflow: change('responder'),
  ListPlaybooks: read(),
  ValidatePlaybook: read(),
  WatchWorkflow: read(),
  PutPlaybook: change('operator'),
} as const satisfies Record<string, RoleRow>;

const deception = {
  DeployDecoy: change('operator'),
  ListDecoys: read(),
  RemoveDecoy: change('operator'),
  MintHoneytoken: change('operator'),
  ListHoneytokens: read(),
  RevokeHoneytoken: change('responder'),
  ListInteractions: read(),
} as const satisfies Record<string, RoleRow>;

const twin = {
  GetGraph: read(),
  FindAttackPaths: read(),
  SimulateWhatIf: read('responder'),
  ResetEnv: change('responder'),
  StepEnv: change('responder'),
  CloseEnv: change('responder'),
  AssessExposure: read('responder'),
} as const satisfies Record<string, RoleRow>;

const sentinel = {
  GetStatus: read(),
  BlockSource: change('responder'),
  UnblockSource: change('responder'),
  ListBlocks: read(),
  LoadModule: change('operator'),
  UnloadModule: change('operator'),
  ReplayPcap: change('responder'),
} as const satisfies Record<string, RoleRow>;

/** Reflection describes the public contract (proto/): open like health, so grpcurl can list. */
const REFLECTION: readonly string[] = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
];

function rows(service: string, methods: Record<string, RoleRow>): [string, RoleRow][] {
  return Object.entries(methods).map(([method, row]) => [`/omega.v1.${service}/${method}`, row]);
}

/** Every method the gateway serves, by path, with the least role that may call it. */
export const ROLE_TABLE: ReadonlyMap<string, RoleRow> = new Map([
  ...rows('GatewayService', gateway),
  ...rows('TrustService', trust),
  ...rows('IntelligenceService', intelligence),
  ...rows('OrchestratorService', orchestrator),
  ...rows('DeceptionService', deception),
  ...rows('TwinService', twin),
  ...rows('SentinelService', sentinel),
  ...REFLECTION.map((path): [string, RoleRow] => [path, open]),
]);

/** True when `name` is one of ROLES. */
export function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

/** The roles that grant `role`: it and every one after it. */
export function rolesGranting(role: Role): Role[] {
  return ROLES.slice(ROLES.indexOf(role));
}

/** The most a holder of `roles` may do: its highest role, or undefined for none. */
export function highestRole(roles: readonly string[]): Role | undefined {
  let best = -1;
  for (const role of roles) best = Math.max(best, ROLES.indexOf(role as Role));
  return best < 0 ? undefined : ROLES[best];
}

/** True when a holder of `held` has `needed` or more. */
export function grants(held: readonly string[], needed: Role): boolean {
  const highest = highestRole(held);
  return highest !== undefined && ROLES.indexOf(highest) >= ROLES.indexOf(needed);
}
