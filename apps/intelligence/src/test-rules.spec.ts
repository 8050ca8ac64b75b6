// RuleTester bounds TestRules: too many events, too much rule text, too many matches or too many
// calls at once are refused with errors that name the limit, and a long call yields to the event
// loop instead of holding it.
import { RuleFormat, type Event, type TestRulesRequest } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { processLaunch } from './testing/spec-events';
import { RuleTester } from './test-rules';

const RULE = `title: Test rule evil-tool
id: 11111111-2222-4333-8444-555555555561
status: experimental
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    CommandLine|contains: 'evil-tool'
  condition: selection
level: high
`;

function request(events: Event[], content = RULE): TestRulesRequest {
  return {
    sources: [{ name: 'probe.yml', format: RuleFormat.RULE_FORMAT_SIGMA_YAML, content }],
    events,
  };
}

function launches(count: number, commandLine: string): Event[] {
  return Array.from({ length: count }, () => processLaunch({ CommandLine: commandLine }));
}

async function refusal(promise: Promise<unknown>): Promise<OmegaError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OmegaError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RuleTester', () => {
  it('answers matches for a request within its limits', async () => {
    const result = await new RuleTester().test(
      request([...launches(2, 'ls -la'), ...launches(1, '/tmp/evil-tool -x')]),
    );
    expect(result.valid).toBe(true);
    expect(result.matches.map((m) => m.eventIndex)).toEqual([2]);
  });

  it('refuses more sample events than its limit, naming the count and the limit', async () => {
    const err = await refusal(new RuleTester({ maxEvents: 3 }).test(request(launches(4, 'ls'))));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toBe('TestRules: events: 4 sample events, at most 3 per call');
  });

  it('refuses more rule text than its limit', async () => {
    const err = await refusal(
      new RuleTester({ maxSourceChars: 100 }).test(request(launches(1, 'ls'))),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toBe(
      `TestRules: sources: ${RULE.length} characters of rule text, at most 100 per call`,
    );
  });

  it('refuses an answer with more matches than its limit, naming where it stopped', async () => {
    const err = await refusal(
      new RuleTester({ maxMatches: 5 }).test(request(launches(10, 'evil-tool'))),
    );
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.message).toContain('more than 5 matches (at events[5])');
  });

  it('refuses a call beyond the concurrent limit while others run, and takes one after they end', async () => {
    const tester = new RuleTester({ maxConcurrent: 2, eventsPerSlice: 10 });
    const events = launches(500, 'ls');
    const first = tester.test(request(events));
    const second = tester.test(request(events));
    const third = await refusal(tester.test(request(events)));
    expect(third.code).toBe(Code.ResourceExhausted);
    expect(third.message).toContain('2 calls already running (at most 2)');
    await Promise.all([first, second]);
    expect((await tester.test(request(launches(1, 'ls')))).valid).toBe(true);
  });

  it('yields to the event loop during a long call', async () => {
    const tester = new RuleTester({ eventsPerSlice: 10 });
    let ranDuringCall = false;
    let callDone = false;
    setImmediate(() => {
      ranDuringCall = !callDone;
    });
    await tester.test(request(launches(1000, 'ls')));
    callDone = true;
    expect(ranDuringCall).toBe(true);
  });
});
