// Sigma's dns_query category is a client's query (Sysmon's DNS query event, the category's origin);
// a resolver's answer carries the resolver as its source, so it must not reach dns_query rules.
import { compileSigmaRule, dnsEvent, parseSigmaRule } from './index';

function rule(category: string, field: string) {
  return compileSigmaRule(
    parseSigmaRule(
      [
        'title: test',
        'id: 0f6c1c3e-1f65-4a57-9d7e-2f3bb2b3e5a1',
        'level: high',
        'logsource:',
        `    category: ${category}`,
        'detection:',
        '    selection:',
        `        ${field}|endswith: '.exfil.example'`,
        '    condition: selection',
      ].join('\n'),
    ),
  );
}

const client = { ip: '10.0.0.8' };
const resolver = { ip: '10.96.0.10', port: 53 };
const asked = dnsEvent({
  id: 'q',
  timeNs: 1n,
  src: client,
  dst: resolver,
  hostname: 'x.exfil.example',
});
const answered = dnsEvent({
  id: 'r',
  timeNs: 2n,
  src: resolver,
  dst: client,
  hostname: 'x.exfil.example',
  response: true,
});

describe('DNS categories', () => {
  it('dns_query rules see the query and not the answer', () => {
    const dnsQuery = rule('dns_query', 'QueryName');
    expect([dnsQuery.matches(asked), dnsQuery.matches(answered)]).toEqual([true, false]);
  });

  it('dns rules (Zeek-style, both directions) see both', () => {
    const dns = rule('dns', 'query');
    expect([dns.matches(asked), dns.matches(answered)]).toEqual([true, true]);
  });
});
