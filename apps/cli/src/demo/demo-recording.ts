// Records a live run for replay mode: a capture of the victim's interface (tcpdump), the victim
// sentinel's process events of the attack's process tree (as published to TELEMETRY), and when
// each step ran. `npm run demo:record` writes them to test-corpus/demo/.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Event } from '@omega/proto';
import type { Actor, DemoActors } from './demo-actors';
import type { Observed, TelemetryObservation } from './demo-observer';
import type { StepId } from './demo-scenario';
import { VICTIM } from './demo-topology';

export const CAPTURE_FILE = 'capture.pcap';
export const PROCESS_EVENTS_FILE = 'process-events.ndjson';
export const SCENARIO_FILE = 'scenario.json';

/** scenario.json: when each step ran, in the capture's clock (Unix ns, as decimal strings). */
export interface RecordedScenario {
  readonly recordedAt: string;
  readonly steps: { id: StepId; startNs: string; endNs: string }[];
}

export class DemoRecording {
  private capture: Actor | undefined;
  private readonly tree = new Set<number>();
  private readonly seen: Event[] = [];
  /** Events before the first followed process started are not the attack's (pids get reused). */
  private sinceNs: bigint | undefined;
  private readonly steps: RecordedScenario['steps'] = [];

  constructor(private readonly dir: string) {}

  async start(actors: DemoActors): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.capture = actors.command(VICTIM, 'recording capture', [
      'tcpdump',
      '-U',
      // Without it libpcap hands packets over in blocks (on a timeout), and the block pending when
      // the capture stops is lost: the last check-ins of the beacon were missing from the take.
      '--immediate-mode',
      '-n',
      '-i',
      VICTIM.interface,
      '-w',
      join(this.dir, CAPTURE_FILE),
    ]);
    // tcpdump needs a moment to open the interface; packets before that would be missed.
    await new Promise((r) => setTimeout(r, 1_000));
  }

  /** Keeps the process events of `pid` and of every process it starts, from `sinceMs` on. */
  followProcessTree(pid: number, sinceMs: number): void {
    this.tree.add(pid);
    const sinceNs = BigInt(sinceMs - 1_000) * 1_000_000n;
    if (this.sinceNs === undefined || sinceNs < this.sinceNs) this.sinceNs = sinceNs;
  }

  /** Every process event seen; the attack's tree is picked out at finish() (the root pid may come later). */
  onTelemetry({ value }: Observed<TelemetryObservation>): void {
    if (value.kind === 'process') this.seen.push(...value.events);
  }

  /** The events of the followed pids and of every process they started, in time order. */
  private attackProcessEvents(): Event[] {
    const tree = new Set(this.tree);
    const sorted = [...this.seen].sort((a, b) =>
      a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0,
    );
    return sorted.filter((event) => {
      if (event.payload?.$case !== 'processActivity') return false;
      if (this.sinceNs === undefined || event.timeNs < this.sinceNs) return false;
      const process = event.payload.value.process;
      if (!process) return false;
      if (!tree.has(process.pid) && !tree.has(process.parent?.pid ?? -1)) return false;
      tree.add(process.pid);
      return true;
    });
  }

  step(id: StepId, startMs: number, endMs: number): void {
    this.steps.push({
      id,
      startNs: (BigInt(startMs) * 1_000_000n).toString(),
      endNs: (BigInt(endMs) * 1_000_000n).toString(),
    });
  }

  /** Stops the capture and writes the process events and the step windows. */
  async finish(): Promise<string[]> {
    await this.stopCapture();
    const ndjson = this.attackProcessEvents()
      .map((e) => JSON.stringify(Event.toJSON(e)))
      .join('\n');
    await writeFile(join(this.dir, PROCESS_EVENTS_FILE), ndjson ? `${ndjson}\n` : '');
    const scenario: RecordedScenario = { recordedAt: new Date().toISOString(), steps: this.steps };
    await writeFile(join(this.dir, SCENARIO_FILE), `${JSON.stringify(scenario, null, 2)}\n`);
    return [CAPTURE_FILE, PROCESS_EVENTS_FILE, SCENARIO_FILE].map((f) => join(this.dir, f));
  }

  /** Stops the capture and removes it: a take with an undetected step is not worth replaying. */
  async discard(): Promise<void> {
    await this.stopCapture();
    await rm(join(this.dir, CAPTURE_FILE), { force: true });
  }

  private async stopCapture(): Promise<void> {
    if (!this.capture) return;
    // The last connection's closing packets are still on the wire when its step ends.
    await new Promise((r) => setTimeout(r, 500));
    process.kill(this.capture.pid, 'SIGTERM');
    await this.capture.exited;
    this.capture = undefined;
  }
}
