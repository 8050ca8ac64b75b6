// The runner's log formatting: pino JSON lines become one readable prefixed line; others pass through.
import { formatLogLine, lineSplitter } from './log-lines';

describe('formatLogLine', () => {
  it('prints level, message and extra fields of a pino line, hiding pid/hostname/time', () => {
    const line =
      '{"level":"warn","time":"2026-11-23T04:31:49.958Z","service":"trust","pid":1,"hostname":"vm","component":"bus","msg":"bus not ready"}';
    expect(formatLogLine('trust', line)).toBe('trust WARN  bus not ready component=bus');
  });

  it('understands numeric pino levels', () => {
    expect(formatLogLine('twin', '{"level":50,"msg":"boom","code":13}')).toBe(
      'twin ERROR boom code=13',
    );
  });

  it('passes through lines that are not JSON, such as a crash stack on stderr', () => {
    expect(formatLogLine('gateway', 'TypeError: x is not a function  ')).toBe(
      'gateway TypeError: x is not a function',
    );
    expect(formatLogLine('gateway', '{not json')).toBe('gateway {not json');
  });
});

describe('lineSplitter', () => {
  it('joins chunks split mid-line and holds back an unfinished line', () => {
    const lines: string[] = [];
    const feed = lineSplitter((l) => lines.push(l));
    feed('first li');
    feed(Buffer.from('ne\nsecond\nthi'));
    expect(lines).toEqual(['first line', 'second']);
    feed('rd\n');
    expect(lines).toEqual(['first line', 'second', 'third']);
  });
});
