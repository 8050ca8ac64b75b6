// One demo run from start to finish: cleans up what an earlier run left, builds the hosts (live)
// or loads the recording (replay), starts nats-server and every service, plays the attack, and
// narrates what Omega does about it: alerts, incident, containment workflow, the block in XDP,
// the audit log. Everything it started is stopped in `finally`, also on Ctrl-C.
// Over 400 lines on purpose: the demo as one script, step by step in the order it shows them.
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { connectBus } from '@omega/bus';
import { SERVICE_NAMES } from '@omega/service';
import { errorMessage } from '@omega/runtime';
import { LocalStack } from '../local-stack';
import { renderStatusTable } from '../status-table';
import { DemoActors, type Actor } from './demo-actors';
import { DemoObserver } from './demo-observer';
import { killLeftoverProcesses, markDemoProcesses } from './demo-leftovers';
import { DemoRecording } from './demo-recording';
import { acquireDemoLock } from './demo-lock';
import { createDemoNetwork, removeDemoNetwork } from './demo-network';
import { narrateAlert, narrateBlock, narrateWorkflowEvent } from './demo-narration';
import {
  emptyReport,
  type DemoMode,
  type DemoReport,
  type StageFailure,
  type StepOutcome,
} from './demo-report';
import { demoServiceEnv } from './demo-stack';
import { matches, SCENARIO, type ScenarioStep } from './demo-scenario';
import { DemoState, untilAborted, waitFor } from './demo-state';
import { DemoWebhook } from './demo-webhook';
import { operatorBusOptions, operatorChannelCredentials } from '../operator-identity';
import { checkAudit, checkContainment, checkEnforcement } from './demo-checks';
import { runDeceptionAct } from './demo-deception';
import { consoleInvite } from '../console-invite';
import { renderSummary } from './demo-summary';
import { Timeline } from './demo-timeline';
import { ATTACKER, COMMAND_SERVER, VICTIM, VICTIM_NODE } from './demo-topology';
import * as attack from './live-attack';
import { ReplayFeed } from './replay-feed';

export interface DemoOptions {
  /** Repository root (services run from apps/<name>/dist, the worker from apps/cli/dist). */
  readonly root: string;
  readonly mode: DemoMode;
  /** The run's state (nats store, trust keys, services.log); emptied at the start. */
  readonly stateDir: string;
  readonly portOffset: number;
  /** Leave the stack and the hosts running after the summary, until `signal` fires. */
  readonly keep: boolean;
  readonly write: (text: string) => void;
  /** Draw the progress line (a terminal). */
  readonly progress: boolean;
  readonly nodeBin: string;
  /** Live mode: also record the run for replay mode into this directory. */
  readonly recordDir?: string;
  /** Replay mode: the recording to play (test-corpus/demo). */
  readonly replayDir: string;
  /** Ctrl-C. */
  readonly signal?: AbortSignal;
  /** How long to wait for each step's alerts and for the response (default 30 s). */
  readonly waitMs?: number;
  /** Called after the summary, with the stack still up (the end-to-end test looks around). */
  readonly afterSummary?: (addresses: DemoAddresses) => Promise<void>;
  /** Services to start (default: all); the end-to-end test leaves one out to see the demo fail. */
  readonly services?: readonly (typeof SERVICE_NAMES)[number][];
}

/** Where the running stack answers, for a look around after the summary. */
export interface DemoAddresses {
  readonly intelligence: string;
  readonly orchestrator: string;
  readonly trust: string;
  readonly natsUrl: string;
  /** The stack's state: the CLI's operator credential is in `<dataDir>/operator`. */
  readonly dataDir: string;
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const live = options.mode === 'live';
  const waitMs = options.waitMs ?? 30_000;
  const timeline = new Timeline({ write: options.write, progress: options.progress });
  const state = new DemoState();
  const failures: StageFailure[] = [];
  const serviceErrors: string[] = [];
  const steps: StepOutcome[] = [];
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  const fail = (stage: StageFailure['stage'], message: string): void => {
    failures.push({ stage, message });
    timeline.say('✗', `${stage}: ${message}`);
  };
  const logFile = join(options.stateDir, 'services.log');
  let logWrites = Promise.resolve();
  const log = (line: string): void => {
    logWrites = logWrites.then(() => appendFile(logFile, `${line}\n`)).catch(() => undefined);
    if (/^\S+\s+(ERROR|FATAL) |CRASHED|not ready after/.test(line)) serviceErrors.push(line);
  };

  let report: DemoReport | undefined;
  try {
    timeline.plain(
      live
        ? `Omega demo (live): attacker ${ATTACKER.address}, victim ${VICTIM.address} in network namespaces; the sentinel watches the victim with eBPF.`
        : `Omega demo (replay): the attack recorded from a live run (${options.replayDir}), fed through the sentinel's capture decoder into TELEMETRY.`,
    );
    const orphans = await killLeftoverProcesses(options.stateDir);
    if (orphans.length > 0) {
      timeline.say(
        '·',
        `stopped ${orphans.length} process(es) an earlier run left (pids ${orphans.join(', ')})`,
      );
      await new Promise((r) => setTimeout(r, 500)); // their ports close as they exit
    }
    markDemoProcesses(options.stateDir);
    await rm(options.stateDir, { recursive: true, force: true });
    await mkdir(options.stateDir, { recursive: true });

    const actors = new DemoActors(
      options.nodeBin,
      DemoActors.workerIn(join(options.root, 'apps', 'cli', 'dist')),
      log,
    );
    cleanups.push({ what: 'attack processes', run: () => actors.stopAll() });
    let services: attack.HostServices | undefined;
    if (live) {
      const release = await acquireDemoLock();
      cleanups.push({ what: 'demo lock', run: release });
      const removed = await removeDemoNetwork();
      if (removed.length > 0)
        timeline.say('·', `removed what an earlier run left: ${removed.join(', ')}`);
      await createDemoNetwork();
      cleanups.push({ what: 'network namespaces', run: removeDemoNetwork });
      timeline.say(
        '✔',
        `hosts up: attacker ${ATTACKER.address}, victim ${VICTIM.address}, command server ${COMMAND_SERVER.address} (namespaces omega-demo-*)`,
      );
      services = await attack.startHostServices(actors);
    }

    const webhook = new DemoWebhook((m) =>
      timeline.say('✉', `team channel: ${m.text}`, m.receivedAtMs),
    );
    const webhookUrl = await webhook.start();
    cleanups.push({ what: 'team channel', run: () => webhook.stop() });

    const stack = new LocalStack({
      root: options.root,
      stateDir: options.stateDir,
      portOffset: options.portOffset,
      services: options.services ?? [...SERVICE_NAMES],
      out: log,
      readyTimeoutMs: 60_000,
      nodeBin: options.nodeBin,
      serviceEnv: demoServiceEnv({ live, webhookUrl }),
      ...(live ? {} : { extraJoinTokens: [`sentinel/${VICTIM_NODE}`] }),
    });
    cleanups.push({ what: 'services', run: () => stack.stop() });
    timeline.wait(
      `starting nats-server and ${stack.status().length || (options.services ?? SERVICE_NAMES).length} services (logs: ${logFile})`,
    );
    await untilAborted(stack.start(), options.signal);
    timeline.done();
    const notReady = stack.status().filter((r) => r.state !== 'ready' && r.state !== 'running');
    if (notReady.length > 0) {
      fail(
        'services',
        `${notReady.map((r) => `${r.name} (${r.state})`).join(', ')} did not become ready; see ${logFile}`,
      );
      await logWrites;
      report = emptyReport(options.mode, timeline.startMs, serviceErrors, failures);
      for (const line of renderSummary(report)) timeline.plain(line);
      return report;
    }
    timeline.say(
      '✔',
      `stack up: ${stack
        .status()
        .filter((r) => r.state === 'ready' || r.state === 'running')
        .map((r) => r.name)
        .join(', ')}; every service enrolled with trust`,
    );
    if (!stack.natsUrl) throw new Error('nats-server did not start');
    if ((options.services ?? SERVICE_NAMES).includes('gateway')) {
      // Watch the attack live in the browser (docs/console.md).
      const invite = await consoleInvite(
        options.stateDir,
        stack.portsOf('gateway').grpcPort,
        stack.secure,
      );
      for (const line of invite) timeline.say('·', line);
    }

    // On a secure stack the demo reads the bus and calls trust as the operator stack.start()
    // enrolled (operator/cli: read-only on the bus).
    const operator = await stack.operatorFiles();
    if (stack.secure && operator === undefined) {
      throw new Error('the stack did not enroll operator/cli; see its log above');
    }
    const bus = await connectBus({
      servers: stack.natsUrl,
      name: 'omega-demo',
      logger: pino({ level: 'silent' }),
      ...(operator ? { natsOptions: operatorBusOptions(operator) } : {}),
    });
    cleanups.push({ what: 'bus connection', run: () => bus.drain() });
    const observer = new DemoObserver(bus, {
      onAlert: (a) => {
        state.alerts.push(a);
        narrateAlert(timeline, a, SCENARIO);
      },
      onWorkflowEvent: (e) => {
        state.workflowEvents.push(e);
        narrateWorkflowEvent(timeline, e);
      },
      onBlock: (b) => {
        state.blocks.push(b);
        narrateBlock(timeline, b);
      },
      onTelemetry: (t) => state.addTelemetry(t),
      onProblem: (p) => {
        state.problems.push(p);
        timeline.say('✗', p);
      },
    });
    cleanups.push({ what: 'observer', run: () => observer.stop() });
    await observer.start(VICTIM_NODE);

    const recording = live && options.recordDir ? new DemoRecording(options.recordDir) : undefined;
    if (recording) {
      await recording.start(actors);
      state.telemetryListeners.push((t) => recording.onTelemetry(t));
    }
    const replay = live
      ? undefined
      : await ReplayFeed.load(options.replayDir, options.root, options.nodeBin);
    if (replay) {
      await replay.connect(
        bus,
        stack.joinTokensPath,
        `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
        operator ? { caPem: operator.caPem, natsUrl: stack.natsUrl } : undefined,
      );
      cleanups.push({ what: 'replay sender', run: async () => replay.close() });
    }

    // The attack, one step at a time; each waits for its expected alerts before the next starts.
    let beacon: Actor | undefined;
    for (const step of SCENARIO) {
      timeline.say('▶', step.title);
      const startedAtMs = Date.now();
      let attackResult: string;
      if (replay) {
        attackResult = await replay.playStep(step.id, options.signal);
      } else if (step.id === 'beacon') {
        // The beacon keeps checking in while the tunnel runs, as an implant would.
        beacon = attack.startBeacon(actors);
        attackResult = 'implant started: a check-in every 2 s';
      } else {
        attackResult = await untilAborted(
          attack.runLiveStep(step.id, actors, recording),
          options.signal,
        );
      }
      const endedAtMs = Date.now();
      // The beacon's window closes when its last check-in is done (below).
      if (step.id !== 'beacon') recording?.step(step.id, startedAtMs, endedAtMs);
      timeline.say('·', attackResult);
      steps.push(await awaitDetections(step, startedAtMs, endedAtMs, attackResult));
    }
    if (beacon) {
      const beaconStep = steps.find((s) => s.step.id === 'beacon');
      timeline.wait('waiting for the beacon to finish its check-ins');
      const result = await untilAborted(attack.beaconResult(beacon), options.signal);
      timeline.done();
      timeline.say(
        '·',
        `${result}; the sentinel reported it as flows in TELEMETRY (${state.telemetrySummary()} events so far)`,
      );
      if (beaconStep) {
        steps[steps.indexOf(beaconStep)] = {
          ...beaconStep,
          attackResult: result,
          endedAtMs: Date.now(),
        };
        recording?.step('beacon', beaconStep.startedAtMs, Date.now());
      }
    }
    if (recording) {
      const undetected = steps.filter((s) => s.detections.length < s.step.expect.length);
      if (undetected.length === 0) {
        const files = await recording.finish();
        timeline.say('✔', `recorded the run for replay mode: ${files.join(', ')}`);
      } else {
        await recording.discard();
        timeline.say(
          '✗',
          `recording not written: ${undetected.map((s) => s.step.id).join(', ')} not detected`,
        );
      }
    }

    const scenarioAlerts = steps.flatMap((s) => s.detections.map((d) => d.alert));
    const incidentIds = [...new Set(scenarioAlerts.map((a) => a.incidentId).filter(Boolean))];
    const outsideIncidents = scenarioAlerts.filter((a) => !a.incidentId);
    if (outsideIncidents.length > 0) {
      fail(
        'incident',
        `${outsideIncidents.length} scenario alert(s) carry no incident id (is correlation running?)`,
      );
    }
    if (incidentIds.length === 1) {
      timeline.say('✔', `incident ${incidentIds[0]!}: one incident tells the story`);
    } else if (incidentIds.length > 1) {
      // Intelligence links alerts that share a host or an acting address: the story is one.
      timeline.say('✗', `incidents: ${incidentIds.join(', ')}: the story fell apart`);
      fail(
        'incident',
        `the scenario's alerts fell into ${incidentIds.length} incidents, expected 1`,
      );
    }

    const scenarioAlertIds = new Set(
      state.alerts
        .filter((a) => SCENARIO.some((step) => step.expect.some((e) => matches(a.value, e))))
        .map((a) => a.value.id),
    );
    const containment = await checkContainment({
      state,
      timeline,
      waitMs,
      signal: options.signal,
      scenarioAlertIds,
    });
    for (const f of containment.failures) fail(f.stage, f.message);

    const enforcement =
      live && containment.block && services
        ? await untilAborted(
            checkEnforcement({
              actors,
              timeline,
              victimServices: services.victim,
              metricsUrl: `http://127.0.0.1:${stack.portsOf('sentinel').httpPort}/metrics`,
              blockSeenAtMs: containment.block.seenAtMs,
            }),
            options.signal,
          )
        : undefined;
    if (enforcement) {
      for (const f of enforcement.failures) fail(f.stage, f.message);
    } else if (!live && containment.block) {
      timeline.say(
        '·',
        'replay mode: no XDP here (no root or --replay); the block is in omega_policy for every sentinel that watches it',
      );
    }

    const audit = await checkAudit({
      timeline,
      trust: `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
      ...(operator ? { trustCredentials: operatorChannelCredentials(operator, 'trust') } : {}),
      tlog: `http://127.0.0.1:${stack.tlogPort}`,
      stateFile: join(options.stateDir, 'audit-state.json'),
      alertIds: scenarioAlerts.map((a) => a.id),
      expectActions: containment.block !== undefined,
      bus,
      waitMs,
      signal: options.signal,
    });
    for (const f of audit.failures) fail(f.stage, f.message);

    // The deception act: a planted credential used against a decoy (demo-deception.ts).
    const deception = await runDeceptionAct({
      timeline,
      state,
      deception: `127.0.0.1:${stack.portsOf('deception').grpcPort}`,
      ...(operator
        ? { deceptionCredentials: operatorChannelCredentials(operator, 'deception') }
        : {}),
      audit: {
        trust: `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
        ...(operator ? { credentials: operatorChannelCredentials(operator, 'trust') } : {}),
        tlog: `http://127.0.0.1:${stack.tlogPort}`,
        stateFile: join(options.stateDir, 'audit-state.json'),
      },
      ...((options.services ?? SERVICE_NAMES).includes('orchestrator')
        ? { teamMessages: () => webhook.messages.map((m) => m.text) }
        : {}),
      waitMs,
      signal: options.signal,
    });
    for (const f of deception.failures) fail(f.stage, f.message);

    for (const crashed of stack.crashed()) serviceErrors.push(`${crashed} exited during the demo`);
    await logWrites;
    if (serviceErrors.length > 0) {
      fail(
        'services',
        `${serviceErrors.length} error log line(s) or crashes, e.g. ${shorten(serviceErrors[0]!)}`,
      );
    }
    if (state.problems.length > 0)
      fail(
        'services',
        `${state.problems.length} message(s) could not be read: ${state.problems[0]}`,
      );

    report = {
      mode: options.mode,
      startedAtMs: timeline.startMs,
      durationMs: Date.now() - timeline.startMs,
      steps,
      alerts: state.alerts.map((a) => a.value),
      incidentIds,
      workflows: containment.workflows,
      teamMessages: webhook.messages.map((m) => m.text),
      ...(containment.block ? { block: containment.block } : {}),
      ...(enforcement?.outcome ? { enforcement: enforcement.outcome } : {}),
      audit: audit.outcome,
      ...(deception.outcome ? { deception: deception.outcome } : {}),
      serviceErrors,
      failures,
    };
    for (const line of renderSummary(report)) timeline.plain(line);
    await options.afterSummary?.({
      intelligence: `127.0.0.1:${stack.portsOf('intelligence').grpcPort}`,
      orchestrator: `127.0.0.1:${stack.portsOf('orchestrator').grpcPort}`,
      trust: `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
      natsUrl: stack.natsUrl,
      dataDir: options.stateDir,
    });
    if (options.keep) {
      timeline.plain('');
      timeline.plain(renderStatusTable(stack.status()));
      timeline.plain(
        `--keep: everything stays up (nats ${stack.natsUrl}, trust 127.0.0.1:${stack.portsOf('trust').grpcPort}${live ? ', namespaces omega-demo-*' : ''}; the CLI calls it through the gateway with the operator credential in ${options.stateDir}/operator, e.g. omega alerts list --data-dir ${options.stateDir}${stack.portsOf('gateway').grpcPort === 50051 ? '' : ` --address 127.0.0.1:${stack.portsOf('gateway').grpcPort}`}). Ctrl-C stops and cleans up.`,
      );
      await new Promise<void>((resolve) => {
        if (!options.signal || options.signal.aborted) return resolve();
        options.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    return report;
  } finally {
    timeline.stop();
    for (const { what, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (err) {
        options.write(`demo: cleaning up ${what} failed: ${errorMessage(err)}\n`);
      }
    }
  }

  async function awaitDetections(
    step: ScenarioStep,
    startedAtMs: number,
    endedAtMs: number,
    attackResult: string,
  ): Promise<StepOutcome> {
    const detections: StepOutcome['detections'] = [];
    if (step.expect.length === 0) {
      timeline.say('·', `no alert expected: ${step.undetectedBecause ?? ''}`);
      return { step, startedAtMs, endedAtMs, attackResult, detections };
    }
    for (const expected of step.expect) {
      timeline.wait(
        `waiting for the ${expected.what} alert (${expected.ruleId}, ${expected.techniqueId}); telemetry so far: ${state.telemetrySummary()}`,
      );
      const found = await waitFor(
        () => state.alerts.find((a) => a.seenAtMs >= startedAtMs && matches(a.value, expected)),
        waitMs,
        options.signal,
      );
      timeline.done();
      if (found) detections.push({ alert: found.value, seenAtMs: found.seenAtMs });
      else
        fail(
          'detection',
          `step ${step.id}: no ${expected.ruleId} alert with ${expected.techniqueId} within ${waitMs / 1000} s (telemetry: ${state.telemetrySummary()})`,
        );
    }
    return { step, startedAtMs, endedAtMs, attackResult, detections };
  }
}

function shorten(line: string, max = 300): string {
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}
