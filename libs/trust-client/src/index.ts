// Public entry of @omega/trust-client: enrollment with trust, credential renewal, mutual-TLS
// credentials for grpc-js and node:tls, subjects, gateway tokens, signed event batches and the
// audit client.
export {
  SUBJECT_KINDS,
  SUBJECT_SCHEME,
  checkSubject,
  formatSubject,
  identityKindOf,
  isSubjectKind,
  parseSubject,
  subjectKindOf,
  type Subject,
  type SubjectKind,
} from './subject';
export { credentialsFrom, type Credentials } from './credentials';
export { joinTokenFromFile } from './join-token-file';
export { enroll, DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH, type EnrollOptions } from './enroll';
export {
  CredentialRenewal,
  RENEWAL_PURPOSE,
  RENEW_AT_FRACTION,
  renew,
  renewalDelayMs,
  renewalRequest,
  type CredentialRenewalOptions,
  type RenewOptions,
} from './renewal';
export {
  MIN_TLS_VERSION,
  authenticatedPeer,
  bootstrapChannelCredentials,
  channelCredentials,
  checkPeerSubject,
  peerSubjects,
  renewingChannelCredentials,
  serverCredentials,
  tlsContextOptions,
  type ChannelCredentialOptions,
  type CredentialSource,
  type PeerAuthContext,
  type ServerCredentialOptions,
} from './mutual-tls';
export {
  GATEWAY_TOKEN_MAX_TTL_MS,
  GATEWAY_TOKEN_PREFIX,
  mintGatewayToken,
  parseGatewayToken,
  type GatewayTokenClaims,
  type MintGatewayTokenOptions,
  type ParsedGatewayToken,
} from './gateway-token';
export {
  signEventBatch,
  splitSignedEventBatch,
  type SignedEventBatch,
} from './event-batch-signature';
export {
  DEFAULT_CALL_TIMEOUT_MS,
  TRUST_CHANNEL_OPTIONS,
  trustServiceClient,
  type TrustClient,
} from './trust-calls';
export { trustAuditClient, type AuditAppendOptions, type AuditClient } from './audit-client';
export { describeRequester, requesterActor, requesterOf, type Requester } from './call-requester';
export {
  IDENTITIES_BUCKET,
  decodeIdentityRecord,
  encodeIdentityRecord,
  identityRecordKey,
  keyIndexKey,
  signingKeyAt,
  type IdentityRecord,
  type KeyRefusal,
} from './identity-record';
export {
  BATCH_REJECTIONS,
  verifyEventBatch,
  type BatchRejection,
  type BatchVerdict,
  type EventBatchVerifierOptions,
} from './event-batch-verifier';
export {
  METHOD_PERMISSIONS,
  REFLECTION_METHOD_PATHS,
  callerMatches,
  methodRefusal,
  type CallerPattern,
  type MethodPermission,
} from './method-permissions';
export { callAuthorizer, callerSubject, type CallAuthorizerOptions } from './call-authorizer';
export { RevokedCertificates, certificateSerial, normalSerial } from './revoked-certificates';
export { CREDENTIAL_FILE, loadCredentials, saveCredentials } from './credential-file';
