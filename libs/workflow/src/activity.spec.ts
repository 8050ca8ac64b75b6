// ActivityError: made by name, classified by the one retry rule, and recorded in histories with
// the code spellings they already hold ('invalid_argument', 'unimplemented', 'http_503').
import { Code, OmegaError } from '@omega/errors';
import { ActivityError } from './activity';

it('says by its constructor whether trying again can help', () => {
  const refused = ActivityError.permanent(Code.InvalidArgument, "parameter 'cidr' is required");
  const down = ActivityError.transient(Code.Unavailable, 'webhook answered 503', {
    cause: new Error('ECONNRESET'),
  });
  expect(refused).toMatchObject({ code: Code.InvalidArgument, retryable: false });
  expect(down).toMatchObject({ code: Code.Unavailable, retryable: true });
  expect((down.cause as Error).message).toBe('ECONNRESET');
});

it("keeps an OmegaError's code and lets the one rule decide", () => {
  const missing = ActivityError.from(new OmegaError(Code.NotFound, 'pod shop/ghost'));
  const busy = ActivityError.from(new OmegaError(Code.ResourceExhausted, 'KV omega_policy full'));
  expect(missing).toMatchObject({ code: Code.NotFound, codeName: 'not_found', retryable: false });
  expect(busy).toMatchObject({ code: Code.ResourceExhausted, retryable: true });
});

it('treats any other thrown value as Unknown, retried', () => {
  const error = ActivityError.from(new TypeError('fetch failed'));
  expect(error).toMatchObject({
    code: Code.Unknown,
    codeName: 'unknown',
    retryable: true,
    message: 'fetch failed',
  });
});

it('returns an ActivityError as it is', () => {
  const error = ActivityError.permanent(Code.Unimplemented, 'twin is not built yet');
  expect(ActivityError.from(error)).toBe(error);
});

it('records an HTTP answer as http_<status>, classified by the HTTP-status table', () => {
  expect(ActivityError.fromHttpStatus(503, 'notify: HTTP 503')).toMatchObject({
    code: Code.Unavailable,
    codeName: 'http_503',
    httpStatus: 503,
    retryable: true,
  });
  expect(ActivityError.fromHttpStatus(404, 'read pod shop/ghost: HTTP 404')).toMatchObject({
    code: Code.NotFound,
    codeName: 'http_404',
    retryable: false,
  });
});

it('spells multi-word codes as gRPC does, the way histories and non_retryable lists hold them', () => {
  expect(ActivityError.permanent(Code.InvalidArgument, 'x').codeName).toBe('invalid_argument');
  expect(ActivityError.transient(Code.DeadlineExceeded, 'x').codeName).toBe('deadline_exceeded');
});
