// CPU each process of a bench spends on its work, per call (or message, or handshake): on a
// machine other work shares, this moves far less with the load than throughput does, and it says
// which process a call's cost is in. Linux only (/proc); elsewhere the other processes read 0.
import { readFileSync } from 'node:fs';

/** CPU seconds a process has used (user + system), from /proc: 0 where there is no /proc. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs `work` and adds to its result `cpuUs`: the CPU µs per `units` this process (`caller`) and
 * each of `pids` (by name) spent meanwhile.
 */
export async function withCpu(pids, units, work) {
  const before = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSecondsOf(pid)]));
  const ownBefore = process.cpuUsage();
  const result = await work();
  const own = process.cpuUsage(ownBefore);
  const cpuUs = { caller: (own.user + own.system) / units };
  for (const [name, pid] of Object.entries(pids)) {
    cpuUs[name] = ((cpuSecondsOf(pid) - before[name]) * 1e6) / units;
  }
  return { ...result, cpuUs };
}

/** `caller 250, gateway 540, …`, whole µs. */
export const cpuText = (cpuUs) =>
  Object.entries(cpuUs)
    .map(([name, us]) => `${name} ${Math.round(us).toLocaleString('en')}`)
    .join(', ');
