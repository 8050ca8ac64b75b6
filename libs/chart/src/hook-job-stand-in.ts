// Runs one of the chart's hook Jobs on the test kit's cluster, which has a kube-apiserver but no
// job controller and no kubelet: it stands in for both, for that Job only. It waits for helm to
// create the Job, runs the Job's container command as the kubelet would run it in the image (the
// images' /app is this repository, built; each ConfigMap volume becomes a directory of its keys),
// records the pod and the Job's outcome in the API server as those controllers do, and serves the
// container's output at the kubelet's log endpoint, where clients (helm's hook-output-log-policy,
// kubectl logs) read it through the API server. The command, the files and helm are the real ones.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWebhookPki } from '@omega/testkit';
import { CHART_DIR } from './chart';
import { runTool, runToolOk, type KubeTools } from './kube-tools';

/** The repository root: what the images hold at /app (apps/*, libs/*, node_modules). */
const IMAGE_APP_DIR = join(CHART_DIR, '..', '..');
const NODE_NAME = 'omega-hook-stand-in';

export interface HookJobRun {
  readonly exitCode: number;
  /** The container's stdout and stderr, interleaved as written. */
  readonly output: string;
  /** The command line as run here (mount paths and /app mapped to local directories). */
  readonly argv: readonly string[];
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface JobObject {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string> };
  spec: {
    template: {
      metadata?: { labels?: Record<string, string> };
      spec: {
        containers: Container[];
        volumes?: { name: string; configMap?: { name: string } }[];
      };
    };
  };
}

export class HookJobStandIn {
  private readonly logs = new Map<string, string>();

  private constructor(
    private readonly tools: KubeTools,
    private readonly kubeconfigPath: string,
    private readonly server: Server,
    private readonly workDir: string,
  ) {}

  /** Registers a Node whose kubelet endpoint is this stand-in's log server (loopback, TLS). */
  static async start(tools: KubeTools, kubeconfigPath: string): Promise<HookJobStandIn> {
    const workDir = await mkdtemp(join(tmpdir(), 'omega-hook-job-'));
    const pki = await writeWebhookPki(workDir);
    const server = createServer({
      cert: await readFile(pki.serverCertPath),
      key: await readFile(pki.serverKeyPath),
    });
    const standIn = new HookJobStandIn(tools, kubeconfigPath, server, workDir);
    server.on('request', (req, res) => {
      // GET /containerLogs/<namespace>/<pod>/<container>?..., as the kubelet serves it.
      const path = (req.url ?? '').split('?')[0] ?? '';
      const log = standIn.logs.get(path);
      res.writeHead(log === undefined ? 404 : 200, { 'content-type': 'text/plain' });
      res.end(log ?? `no such container log: ${path}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await standIn.kubectl(['apply', '-f', '-'], {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME } },
    });
    await standIn.kubectl([
      'patch',
      'node',
      NODE_NAME,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          daemonEndpoints: { kubeletEndpoint: { Port: port } },
        },
      }),
    ]);
    return standIn;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.workDir, { recursive: true, force: true });
  }

  /**
   * Waits (up to `withinMs`) for helm to create Job `namespace/name`, runs it, and records its pod
   * and outcome: Complete on exit 0, Failed (backoffLimit 0) otherwise.
   */
  async run(namespace: string, name: string, withinMs = 60_000): Promise<HookJobRun> {
    const job = await this.waitForJob(namespace, name, withinMs);
    const pod = job.spec.template.spec;
    const container = pod.containers[0]!;
    // Each ConfigMap volume as the kubelet projects it: one file per key.
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.volumes?.find((v) => v.name === mount.name);
      if (!volume?.configMap) throw new Error(`volume ${mount.name}: only ConfigMaps are run here`);
      const configMap = JSON.parse(
        await this.kubectl([
          'get',
          'configmap',
          volume.configMap.name,
          '-n',
          namespace,
          '-o',
          'json',
        ]),
      ) as { data?: Record<string, string> };
      const dir = join(this.workDir, namespace, name, mount.name);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      for (const [key, value] of Object.entries(configMap.data ?? {})) {
        await writeFile(join(dir, key), value);
      }
      mounts.set(mount.mountPath, dir);
    }
    const local = (arg: string): string => {
      for (const [mountPath, dir] of mounts) arg = arg.split(mountPath).join(dir);
      return arg;
    };
    const [command, ...rest] = [...(container.command ?? []), ...(container.args ?? [])];
    const argv = [command === 'node' ? process.execPath : command!, ...rest.map(local)];
    const cwd = container.workingDir === '/app' ? IMAGE_APP_DIR : local(container.workingDir ?? '');
    const { exitCode, output } = await runCombined(argv, cwd || IMAGE_APP_DIR);
    await this.record(job, container, exitCode, output);
    return { exitCode, output, argv };
  }

  private async waitForJob(namespace: string, name: string, withinMs: number): Promise<JobObject> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const got = await runTool(
        this.tools.kubectl,
        ['--kubeconfig', this.kubeconfigPath, 'get', 'job', name, '-n', namespace, '-o', 'json'],
        {},
      );
      if (got.code === 0) return JSON.parse(got.stdout) as JobObject;
      if (Date.now() > deadline)
        throw new Error(`Job ${namespace}/${name} not created: ${got.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The pod, its terminated container, and the Job's conditions, as the controllers write them. */
  private async record(
    job: JobObject,
    container: Container,
    exitCode: number,
    output: string,
  ): Promise<void> {
    const { namespace, name, uid } = job.metadata;
    const podName = `${name}-standin`;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    // The namespace's default service account, which the controller manager would have made.
    await runTool(this.tools.kubectl, [
      '--kubeconfig',
      this.kubeconfigPath,
      'create',
      'serviceaccount',
      'default',
      '-n',
      namespace,
    ]);
    await this.kubectl(['apply', '-f', '-'], {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        labels: {
          ...job.spec.template.metadata?.labels,
          'job-name': name,
          'batch.kubernetes.io/job-name': name,
          'controller-uid': uid,
          'batch.kubernetes.io/controller-uid': uid,
        },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name,
            uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { ...job.spec.template.spec, nodeName: NODE_NAME },
    });
    this.logs.set(`/containerLogs/${namespace}/${podName}/${container.name}`, output);
    const failed = exitCode !== 0;
    await this.kubectl([
      'patch',
      'pod',
      podName,
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          phase: failed ? 'Failed' : 'Succeeded',
          startTime: now,
          containerStatuses: [
            {
              name: container.name,
              image: 'stand-in',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: {
                terminated: {
                  exitCode,
                  reason: failed ? 'Error' : 'Completed',
                  // terminationMessagePolicy FallbackToLogsOnError: the log's tail.
                  ...(failed ? { message: output.slice(-4096) } : {}),
                  startedAt: now,
                  finishedAt: now,
                },
              },
            },
          ],
        },
      }),
    ]);
    const condition = (type: string, reason: string, message: string) => ({
      type,
      status: 'True',
      reason,
      message,
      lastProbeTime: now,
      lastTransitionTime: now,
    });
    const status = failed
      ? {
          startTime: now,
          failed: 1,
          conditions: [
            condition(
              'FailureTarget',
              'BackoffLimitExceeded',
              'Job has reached the specified backoff limit',
            ),
            condition(
              'Failed',
              'BackoffLimitExceeded',
              'Job has reached the specified backoff limit',
            ),
          ],
        }
      : {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [
            condition(
              'SuccessCriteriaMet',
              'CompletionsReached',
              'Reached expected number of succeeded pods',
            ),
            condition(
              'Complete',
              'CompletionsReached',
              'Reached expected number of succeeded pods',
            ),
          ],
        };
    await this.kubectl([
      'patch',
      'job',
      name,
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
  }

  private kubectl(args: string[], input?: object): Promise<string> {
    return runToolOk(this.tools.kubectl, ['--kubeconfig', this.kubeconfigPath, ...args], {
      ...(input ? { input: JSON.stringify(input) } : {}),
    });
  }
}

/** Runs argv, collecting stdout and stderr into one text in the order they arrive. */
function runCombined(
  argv: readonly string[],
  cwd: string,
): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ exitCode: code ?? -1, output }));
  });
}
