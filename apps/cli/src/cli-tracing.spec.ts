import { bufferedIo } from './cli-io';
import { buildProgram } from './cli-program';
import { commandPath, startCliTracing } from './cli-tracing';

describe('the CLI root span name', () => {
  const program = buildProgram({ io: bufferedIo(), exitCode: 0 });

  it('is the command path: subcommands, without arguments or flags', () => {
    expect(commandPath(program, ['rules', 'list', '-o', 'json'])).toEqual(['rules', 'list']);
    expect(commandPath(program, ['replay', 'secret-capture.pcap', '--speed', '0'])).toEqual([
      'replay',
    ]);
    expect(commandPath(program, ['login', '--token', 'abc'])).toEqual(['login']);
  });

  it('is empty for words that are not commands', () => {
    expect(commandPath(program, ['no-such-command', 'rules'])).toEqual([]);
    expect(commandPath(program, ['--help'])).toEqual([]);
  });
});

describe('startCliTracing', () => {
  it('warns once and runs untraced when an OTEL_* variable asks for what Omega does not build', () => {
    const warnings: string[] = [];
    const tracing = startCliTracing({ OTEL_PROPAGATORS: 'b3' }, (line) => warnings.push(line));
    expect(tracing).toBeUndefined();
    expect(warnings).toEqual([
      'omega: tracing off: OTEL_PROPAGATORS="b3": propagator \'b3\' is not built in Omega; use tracecontext, baggage or none',
    ]);
  });
});
