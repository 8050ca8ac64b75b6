// The retry rule and the HTTP-status table checked against what others wrote down, not against
// themselves: gRPC's status code guide, Google's API rules and client defaults, and the HTTP RFCs.
import { Code, OmegaError, codeName } from './errors';
import { codeForHttpStatus, isPermanent, isRetryable, isRetryableCode } from './retry';

const ALL_CODES = Object.values(Code).filter((v): v is Code => typeof v === 'number');

describe('isRetryable', () => {
  it('retries exactly the codes a second implementation retries by default', () => {
    // Google Cloud Pub/Sub's publisher (googleapis/nodejs-pubsub, sample publishWithRetrySettings:
    // "Default values are shown"), an application-level retry like a playbook step's.
    const pubsubDefaults = [10, 1, 4, 13, 8, 14, 2]; // ABORTED CANCELLED DEADLINE_EXCEEDED INTERNAL RESOURCE_EXHAUSTED UNAVAILABLE UNKNOWN
    for (const code of ALL_CODES) {
      expect([Code[code], isRetryableCode(code)]).toEqual([
        Code[code],
        pubsubDefaults.includes(code),
      ]);
    }
  });

  it("follows gRPC's litmus test: retry UNAVAILABLE and ABORTED, not FAILED_PRECONDITION", () => {
    // grpc/grpc doc/statuscodes.md: (a) UNAVAILABLE if the client can retry just the failing call,
    // (b) ABORTED if it should retry at a higher level, (c) FAILED_PRECONDITION if it should not
    // retry until the system state has been explicitly fixed.
    expect(isRetryableCode(Code.Unavailable)).toBe(true);
    expect(isRetryableCode(Code.Aborted)).toBe(true);
    expect(isRetryableCode(Code.FailedPrecondition)).toBe(false);
  });

  it('never retries what AIP-194 calls hopeless: INVALID_ARGUMENT and DATA_LOSS', () => {
    expect(isRetryableCode(Code.InvalidArgument)).toBe(false);
    expect(isRetryableCode(Code.DataLoss)).toBe(false);
  });

  it('judges an OmegaError by its code and anything else thrown as Unknown', () => {
    expect(isRetryable(new OmegaError(Code.Unavailable, 'trust at 10.0.0.7:8443: down'))).toBe(
      true,
    );
    expect(isRetryable(new OmegaError(Code.NotFound, 'pod shop/ghost'))).toBe(false);
    expect(isRetryable(new TypeError('fetch failed'))).toBe(isRetryableCode(Code.Unknown));
    expect(isRetryable('a string')).toBe(true);
  });
});

describe('isPermanent', () => {
  it('gives up on exactly the codes gRPC says the same request cannot cure', () => {
    // gRPC status code guide: INVALID_ARGUMENT, OUT_OF_RANGE (the request), NOT_FOUND, FAILED_PRECONDITION
    // ("do not retry until the system state has been explicitly fixed"), PERMISSION_DENIED and
    // UNIMPLEMENTED do not change by asking again.
    const permanent = [
      Code.InvalidArgument,
      Code.OutOfRange,
      Code.NotFound,
      Code.FailedPrecondition,
      Code.PermissionDenied,
      Code.Unimplemented,
    ];
    for (let code = Code.Canceled; code <= Code.Unauthenticated; code++) {
      expect([codeName(code), isPermanent(new OmegaError(code, 'x'))]).toEqual([
        codeName(code),
        permanent.includes(code),
      ]);
    }
  });

  it('is never certain about a thrown value without a code, and never overlaps isRetryable', () => {
    expect(isPermanent(new Error('socket hang up'))).toBe(false);
    for (let code = Code.Canceled; code <= Code.Unauthenticated; code++) {
      const err = new OmegaError(code, 'x');
      expect(isPermanent(err) && isRetryable(err)).toBe(false);
    }
  });
});

describe('codeForHttpStatus', () => {
  // google.rpc.Code's "HTTP Mapping" (googleapis google/rpc/code.proto), code by code.
  const googleRpcHttp: [Code, number][] = [
    [Code.Canceled, 499],
    [Code.Unknown, 500],
    [Code.InvalidArgument, 400],
    [Code.DeadlineExceeded, 504],
    [Code.NotFound, 404],
    [Code.AlreadyExists, 409],
    [Code.PermissionDenied, 403],
    [Code.ResourceExhausted, 429],
    [Code.FailedPrecondition, 400],
    [Code.Aborted, 409],
    [Code.OutOfRange, 400],
    [Code.Unimplemented, 501],
    [Code.Internal, 500],
    [Code.Unavailable, 503],
    [Code.DataLoss, 500],
    [Code.Unauthenticated, 401],
  ];

  it("reads google.rpc.Code's HTTP mapping backwards", () => {
    for (const status of new Set(googleRpcHttp.map(([, s]) => s))) {
      const candidates = googleRpcHttp.filter(([, s]) => s === status).map(([code]) => code);
      expect([status, candidates]).toEqual([
        status,
        expect.arrayContaining([codeForHttpStatus(status)]),
      ]);
    }
  });

  it('retries what RFC 9110 and RFC 6585 say a repeat may cure', () => {
    // 408: the client "MAY repeat that request"; 429: "Too Many Requests", with Retry-After;
    // 502/504: a gateway's upstream failed or timed out; 503: "temporary overload or maintenance".
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect([status, isRetryableCode(codeForHttpStatus(status))]).toEqual([status, true]);
    }
  });

  it('does not retry what the client must change first', () => {
    // 400 malformed, 401/403 credentials ("SHOULD NOT automatically repeat the request with the
    // same credentials"), 404/410 no such resource (410 "likely to be permanent"), 405/415/422 the
    // request's form, 412 a precondition, 501 a method the server does not support at all.
    for (const status of [400, 401, 403, 404, 405, 410, 412, 413, 415, 422, 501]) {
      expect([status, isRetryableCode(codeForHttpStatus(status))]).toEqual([status, false]);
    }
  });

  it('reads 409 as a conflict to retry (Aborted), not as AlreadyExists', () => {
    // Kubernetes answers 409 to a write with a stale resourceVersion and client-go's RetryOnConflict
    // repeats it; an Idempotency-Key receiver answers 409 while the key's first request is running.
    expect(codeForHttpStatus(409)).toBe(Code.Aborted);
    expect(isRetryableCode(codeForHttpStatus(409))).toBe(true);
  });

  it('gives every status in a class the class reading when the table does not name it', () => {
    expect(codeForHttpStatus(418)).toBe(Code.InvalidArgument);
    expect(codeForHttpStatus(507)).toBe(Code.Internal);
    expect(codeForHttpStatus(304)).toBe(Code.FailedPrecondition);
    expect(codeForHttpStatus(0)).toBe(Code.Unknown);
  });
});
