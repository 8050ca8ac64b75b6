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
  /** Routes to add inside the namespace, on-link through its interface (`ip route add <cidr> dev`). */
  readonly onLinkRoutes: readonly string[];
}

export const DEMO_PREFIX_LENGTH = 24;
/** Bridge in the root namespace that joins the three hosts (layer 2 only: no address). */
export const DEMO_BRIDGE = 'omega-demo-br';

export const ATTACKER: DemoHost = {
  role: 'attacker',
  netns: 'omega-demo-attacker',
  interface: 'veth-a',
  bridgePort: 'omega-demo-a',
  address: '10.66.0.10',
  onLinkRoutes: ['198.51.100.0/24'],
};

export const VICTIM: DemoHost = {
  role: 'victim',
  netns: 'omega-demo-victim',
  interface: 'veth-v',
  bridgePort: 'omega-demo-v',
  address: '10.66.0.20',
  onLinkRoutes: ['198.51.100.0/24'],
};

/**
 * The "command server": the beacon's HTTP endpoint and the tunnel's DNS resolver. It sits outside
 * the private networks, as command and control does (the beacon detector, like RITA, scores only
 * connections leaving them), on a documentation address (RFC 5737) that exists only in its
 * namespace; the hosts share the bridge, so each reaches the other's subnet on-link.
 */
export const COMMAND_SERVER: DemoHost = {
  role: 'c2',
  netns: 'omega-demo-c2',
  interface: 'veth-c',
  bridgePort: 'omega-demo-c',
  address: '198.51.100.30',
  onLinkRoutes: ['10.66.0.0/24'],
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
