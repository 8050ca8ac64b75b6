// Creates and removes the demo's hosts: three network namespaces joined by a bridge, with `ip`
// (iproute2). Removal is idempotent and runs before every creation, so a crashed run's leftovers
// never get in the way of the next one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Code, OmegaError } from '@omega/runtime';
import { DEMO_BRIDGE, DEMO_HOSTS, DEMO_PREFIX_LENGTH, type DemoHost } from './demo-topology';

const execFileAsync = promisify(execFile);

/** Runs `ip <args>`; an error names the command and what `ip` said. */
export async function ip(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('ip', [...args], { timeout: 10_000 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new OmegaError(
      Code.Internal,
      `ip ${args.join(' ')} failed: ${stderr || (err as Error).message}`,
      { cause: err },
    );
  }
}

/** What is left of a demo network on this machine (namespaces and links by their fixed names). */
export async function leftovers(): Promise<string[]> {
  const namespaces = (await ip(['netns', 'list'])).split('\n').map((l) => l.split(' ')[0]);
  const links = (await ip(['-o', 'link', 'show']))
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0]);
  return [
    ...DEMO_HOSTS.filter((h) => namespaces.includes(h.netns)).map((h) => `netns ${h.netns}`),
    ...[DEMO_BRIDGE, ...DEMO_HOSTS.map((h) => h.bridgePort)]
      .filter((name) => links.includes(name))
      .map((name) => `link ${name}`),
  ];
}

/** Deletes every demo namespace and link that exists; returns what it removed. */
export async function removeDemoNetwork(): Promise<string[]> {
  const found = await leftovers();
  for (const host of DEMO_HOSTS) {
    if (!found.includes(`netns ${host.netns}`)) continue;
    // A process left inside keeps the namespace alive after `ip netns del`: end them first.
    const pids = (await ip(['netns', 'pids', host.netns])).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const item of found) {
    const [kind, name] = item.split(' ') as [string, string];
    // Deleting a namespace deletes its veth end and so the pair; the link may already be gone.
    if (kind === 'netns') await ip(['netns', 'del', name]);
    else await ip(['link', 'del', name]).catch(() => undefined);
  }
  return found;
}

/** Creates the bridge and one namespace per host, each with its address and loopback up. */
export async function createDemoNetwork(): Promise<void> {
  await ip(['link', 'add', DEMO_BRIDGE, 'type', 'bridge']);
  await ip(['link', 'set', DEMO_BRIDGE, 'up']);
  for (const host of DEMO_HOSTS) await addHost(host);
}

async function addHost(host: DemoHost): Promise<void> {
  await ip(['netns', 'add', host.netns]);
  await ip([
    'link',
    'add',
    host.bridgePort,
    'type',
    'veth',
    'peer',
    'name',
    host.interface,
    'netns',
    host.netns,
  ]);
  await ip(['link', 'set', host.bridgePort, 'master', DEMO_BRIDGE, 'up']);
  await ip([
    '-n',
    host.netns,
    'addr',
    'add',
    `${host.address}/${DEMO_PREFIX_LENGTH}`,
    'dev',
    host.interface,
  ]);
  await ip(['-n', host.netns, 'link', 'set', 'lo', 'up']);
  await ip(['-n', host.netns, 'link', 'set', host.interface, 'up']);
  for (const cidr of host.onLinkRoutes) {
    await ip(['-n', host.netns, 'route', 'add', cidr, 'dev', host.interface]);
  }
}
