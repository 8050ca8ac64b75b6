// Names of the MITRE ATT&CK (Enterprise) techniques the shipped rules and the detectors raise, for
// ExplainAlert. An id not listed here is still returned, with its URL and no name.
import type { AttackTechnique } from '@omega/proto';

const TECHNIQUES: Readonly<Record<string, readonly [name: string, tactics: readonly string[]]>> = {
  T1005: ['Data from Local System', ['TA0009']],
  T1021: ['Remote Services', ['TA0008']],
  T1046: ['Network Service Discovery', ['TA0007']],
  T1048: ['Exfiltration Over Alternative Protocol', ['TA0010']],
  T1059: ['Command and Scripting Interpreter', ['TA0002']],
  'T1059.004': ['Command and Scripting Interpreter: Unix Shell', ['TA0002']],
  T1071: ['Application Layer Protocol', ['TA0011']],
  'T1071.004': ['Application Layer Protocol: DNS', ['TA0011']],
  T1078: ['Valid Accounts', ['TA0001', 'TA0003', 'TA0004', 'TA0005']],
  T1083: ['File and Directory Discovery', ['TA0007']],
  T1095: ['Non-Application Layer Protocol', ['TA0011']],
  T1105: ['Ingress Tool Transfer', ['TA0011']],
  T1110: ['Brute Force', ['TA0006']],
  T1496: ['Resource Hijacking', ['TA0040']],
  T1528: ['Steal Application Access Token', ['TA0006']],
  T1552: ['Unsecured Credentials', ['TA0006']],
  'T1552.007': ['Unsecured Credentials: Container API', ['TA0006']],
  T1568: ['Dynamic Resolution', ['TA0011']],
  T1572: ['Protocol Tunneling', ['TA0011']],
  T1573: ['Encrypted Channel', ['TA0011']],
  T1609: ['Container Administration Command', ['TA0002']],
};

export function attackTechnique(id: string): AttackTechnique {
  const known = TECHNIQUES[id];
  const [base, sub] = id.split('.');
  return {
    id,
    name: known?.[0] ?? '',
    tacticIds: [...(known?.[1] ?? [])],
    url: `https://attack.mitre.org/techniques/${base}/${sub ? `${sub}/` : ''}`,
  };
}
