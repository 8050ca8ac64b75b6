// The TOML configuration: the design's keys are read, defaults fill the rest, and every bad file
// is refused with an error naming the file, the line and the key.
import { parseEdgeConfig } from './edge-config';

const key = `${Buffer.alloc(32, 1).toString('base64url')}.${Buffer.alloc(32, 2).toString('base64url')}`;

function errorOf(text: string): string {
  try {
    parseEdgeConfig(text, 'edge.toml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('edge.toml', () => {
  it('reads every key of the design', () => {
    const config = parseEdgeConfig(
      `[daemon]
port = 51999
interface = "omniwg7"

[network]
nucleus = "203.0.113.7:51000"
cluster = "lab"

[security]
max_sessions_per_ip = 4
handshake_timeout_secs = 3

[[peers]]
public_key = "${key}"
endpoint = "[fd00::2]:51820"
`,
      'edge.toml',
    );
    expect(config).toMatchObject({
      port: 51999,
      interface: 'omniwg7',
      nucleus: '203.0.113.7:51000',
      cluster: 'lab',
      maxSessionsPerIp: 4,
      handshakeTimeoutSecs: 3,
      pskRotationSecs: 120,
    });
    expect(config.peers).toHaveLength(1);
    expect(config.peers[0]!.endpoint).toBe('[fd00::2]:51820');
    expect(config.peers[0]!.identity.identityKey).toEqual(Buffer.alloc(32, 1));
  });

  it('fills the design defaults for an empty file', () => {
    expect(parseEdgeConfig('', 'edge.toml')).toMatchObject({
      port: 51820,
      interface: 'omniwg',
      cluster: 'default',
      maxSessionsPerIp: 10,
      handshakeTimeoutSecs: 5,
      peers: [],
    });
  });

  it('refuses malformed TOML with its line and column', () => {
    expect(errorOf('[daemon]\nport = = 3\n')).toMatch(/^edge\.toml:2:\d+: not valid TOML/);
  });

  it('refuses an unknown key, naming it and its line', () => {
    expect(errorOf('[daemon]\nport = 1\n\n[security]\nmax_session_per_ip = 3\n')).toBe(
      'edge.toml:5: security.max_session_per_ip: unknown key',
    );
  });

  it('refuses an out-of-range port, naming the key and its line', () => {
    expect(errorOf('[daemon]\ninterface = "a"\nport = 70000\n')).toMatch(
      /^edge\.toml:3: daemon\.port: /,
    );
  });

  it('refuses a string where a number belongs', () => {
    expect(errorOf('[security]\nhandshake_timeout_secs = "5"\n')).toMatch(
      /^edge\.toml:2: security\.handshake_timeout_secs: .*number/,
    );
  });

  it('refuses a bad endpoint in the second peer, naming its line', () => {
    const text = `[[peers]]\npublic_key = "${key}"\nendpoint = "10.0.0.1:51820"\n\n[[peers]]\npublic_key = "${key}"\nendpoint = "10.0.0.300:51820"\n`;
    expect(errorOf(text)).toMatch(/^edge\.toml:7: peers\[1\]\.endpoint: must be IP:PORT/);
  });

  it('refuses a public key that is not two 32-byte keys, naming its line', () => {
    expect(errorOf(`[[peers]]\npublic_key = "abc"\nendpoint = "10.0.0.1:1"\n`)).toMatch(
      /^edge\.toml:2: peers\[0\]\.public_key: 'abc' is not a public identity/,
    );
  });

  it('refuses an interface name Linux would not take', () => {
    expect(errorOf('[daemon]\ninterface = "much-too-long-name"\n')).toMatch(
      /^edge\.toml:2: daemon\.interface: /,
    );
  });

  it('refuses a file larger than its bound', () => {
    expect(errorOf(`# ${'x'.repeat(70_000)}\n`)).toMatch(/larger than 65536 bytes/);
  });
});
