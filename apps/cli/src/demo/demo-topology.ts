// The demo's three hosts on one machine: fixed, recognisable names and addresses, so a run can
// find and remove what a crashed run left behind.

/** A network namespace standing for one host, joined to the demo bridge by a veth pair. */
export interface DemoHost {
  readonly role: 'attacker' | 'victim' | 'c2';
  /** Network namespace name (`ip netns`). */
  readonly netns: string;
  /** The veth end inside the namespace. */
  readonly interface: string;
  /** The veth end on the bridge, in the root namespace. */
  readonly bridgePort: string;
  readonly address: string;
}

export const DEMO_SUBNET = '10.66.0.0/24';
export const DEMO_PREFIX_LENGTH = 24;
/** Bridge in the root namespace that joins the three hosts (it holds the .1 address). */
export const DEMO_BRIDGE = 'omega-demo-br';
export const DEMO_BRIDGE_ADDRESS = '10.66.0.1';

export const ATTACKER: DemoHost = {
  role: 'attacker',
  netns: 'omega-demo-attacker',
  interface: 'veth-a',
  bridgePort: 'omega-demo-a',
  address: '10.66.0.10',
};

export const VICTIM: DemoHost = {
  role: 'victim',
  netns: 'omega-demo-victim',
  interface: 'veth-v',
  bridgePort: 'omega-demo-v',
  address: '10.66.0.20',
};

/** The "command server": the beacon's HTTP endpoint and the tunnel's DNS resolver. */
export const COMMAND_SERVER: DemoHost = {
  role: 'c2',
  netns: 'omega-demo-c2',
  interface: 'veth-c',
  bridgePort: 'omega-demo-c',
  address: '10.66.0.30',
};

export const DEMO_HOSTS: readonly DemoHost[] = [ATTACKER, VICTIM, COMMAND_SERVER];

/** The sentinel's node name in the demo: the victim host it guards. */
export const VICTIM_NODE = 'demo-victim';

/** Ports the demo's services listen on. */
export const DEMO_PORTS = {
  /** The victim's two real services: an SSH-like banner and a web app. */
  victimSsh: 22,
  victimWeb: 8080,
  /** The attacker's listener the reverse shell connects back to. */
  reverseShell: 4444,
  /** The command server's beacon endpoint (plain HTTP). */
  beacon: 8443,
  dns: 53,
} as const;

/** The base domain the DNS tunnel encodes data under (`.example` is reserved, RFC 2606). */
export const TUNNEL_DOMAIN = 'exfil.example';
