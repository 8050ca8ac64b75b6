// Runs bpf/build/loader as a child: decodes its frames, sends it commands, restarts it when it
// dies and then re-applies the desired state (blocks, XDP attachments), since the kernel objects
// die with it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Code, OmegaError, type Logger } from '@omega/runtime';
import {
  FrameDecoder,
  FrameType,
  type BlockEntryFrame,
  type Frame,
  type RawFrameHandler,
  type ReplyFrame,
} from './loader-frames';

export interface XdpAttachment {
  interface: string;
  mode: 'generic' | 'native';
  /** A network namespace path such as /run/netns/x; the loader's own namespace when absent. */
  netns?: string;
}

export interface LoaderSupervisorOptions {
  loaderPath: string;
  logger: Logger;
  onFrame(frame: Frame): void;
  /** Sees event frame bodies before they are decoded (the hot path); see RawFrameHandler. */
  onRawFrame?: RawFrameHandler;
  xdp?: XdpAttachment[];
  /** Interfaces to attach flow accounting (tc ingress + egress) to. */
  flowInterfaces?: Array<{ interface: string; netns?: string }>;
  /** Further commands (flow timing, stealth settings) applied after every (re)start. */
  setupCommands?: string[];
  commandTimeoutMs?: number;
  restartDelayMs?: number;
}

interface PendingCommand {
  resolve(reply: { reply: ReplyFrame; entries: BlockEntryFrame[] }): void;
  reject(err: Error): void;
  entries: BlockEntryFrame[];
  timer: NodeJS.Timeout;
  line: string;
}

export class LoaderSupervisor {
  private child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingCommand>();
  private readonly blocks = new Set<string>();
  /** Watched files by watch id: watched again after a restart (their inodes, resolved anew). */
  private readonly files = new Map<number, string>();
  private stopped = false;
  private readyWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  private ready = false;
  /** Loader starts so far (1 = no restart). */
  starts = 0;
  /** What the running loader attached (its HELLO), e.g. "tp_btf/sched_process_exec", "xdp". */
  features: string[] = [];

  /** The running loader's process id (for CPU accounting). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while a loader runs and answers commands. */
  get running(): boolean {
    return this.ready;
  }

  constructor(private readonly options: LoaderSupervisorOptions) {}

  /** Starts the loader and resolves once its programs are attached (HELLO) and state applied. */
  async start(): Promise<void> {
    this.spawnLoader();
    await new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  async block(cidr: string): Promise<void> {
    this.blocks.add(cidr);
    await this.command(`block ${cidr}`);
  }

  async unblock(cidr: string): Promise<void> {
    this.blocks.delete(cidr);
    await this.command(`unblock ${cidr}`);
  }

  /** Watches the file `path` names now (its inode) under `id`; FILE frames carry the id. */
  async watchFile(id: number, path: string): Promise<void> {
    this.files.delete(id);
    await this.command(`file-watch ${id} open ${path}`);
    this.files.set(id, path);
  }

  async unwatchFile(id: number): Promise<void> {
    this.files.delete(id);
    await this.command(`file-unwatch ${id}`);
  }

  async listBlocks(): Promise<BlockEntryFrame[]> {
    return (await this.command('list')).entries;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin.end(); // the loader exits when stdin closes, detaching its XDP links
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killTimer);
  }

  /** Sends one command line and resolves with its REPLY; a non-zero status rejects. */
  command(line: string): Promise<{ reply: ReplyFrame; entries: BlockEntryFrame[] }> {
    const child = this.child;
    if (!child || !this.ready) {
      return Promise.reject(
        new OmegaError(Code.Unavailable, `eBPF loader is not running; cannot run '${line}'`),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new OmegaError(
            Code.DeadlineExceeded,
            `eBPF loader did not answer '${line}' within ${this.options.commandTimeoutMs ?? 5_000} ms`,
          ),
        );
      }, this.options.commandTimeoutMs ?? 5_000);
      this.pending.set(id, { resolve, reject, entries: [], timer, line });
      child.stdin.write(`${id} ${line}\n`);
    });
  }

  private spawnLoader(): void {
    const { logger, loaderPath } = this.options;
    this.starts++;
    this.ready = false;
    const child = spawn(loaderPath, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const decoder = new FrameDecoder(this.options.onRawFrame);
    child.stdout.on('data', (chunk: Buffer) => {
      const { frames, error } = decoder.push(chunk);
      for (const frame of frames) this.dispatch(frame);
      if (error) {
        logger.error({ err: error }, `${error.message}; restarting the loader`);
        child.kill('SIGTERM');
      }
    });
    let stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderrTail = (stderrTail + text).slice(-2_000);
      for (const line of text.split('\n')) if (line.trim()) logger.warn({ loader: line }, 'loader');
    });
    child.stdin.on('error', () => {}); // EPIPE when it died; the exit handler reports it
    child.on('error', (err) => this.onExit(child, null, null, err.message));
    child.on('exit', (code, signal) => this.onExit(child, code, signal, stderrTail.trim()));
  }

  private onExit(
    child: ChildProcessByStdio<Writable, Readable, Readable>,
    code: number | null,
    signal: NodeJS.Signals | null,
    detail: string,
  ): void {
    if (this.child !== child) return;
    this.ready = false;
    const why = new OmegaError(
      Code.Unavailable,
      `eBPF loader ${this.options.loaderPath} exited (code ${code}, signal ${signal})${detail ? `: ${detail}` : ''}`,
    );
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(why);
      this.pending.delete(id);
    }
    if (this.readyWaiters.length > 0) {
      for (const w of this.readyWaiters.splice(0)) w.reject(why);
      return; // a failed first start is the caller's to report
    }
    if (this.stopped) return;
    this.options.logger.error({ err: why }, `${why.message}; restarting`);
    setTimeout(() => {
      if (!this.stopped) this.spawnLoader();
    }, this.options.restartDelayMs ?? 1_000).unref();
  }

  private dispatch(frame: Frame): void {
    if (frame.type === FrameType.Hello) {
      this.ready = true;
      this.features = frame.features;
      this.options.logger.info(
        { features: frame.features, start: this.starts },
        `eBPF loader attached: ${frame.features.join(', ')}`,
      );
      void this.applyState();
      return;
    }
    if (frame.type === FrameType.BlockEntry) {
      this.pending.get(frame.requestId)?.entries.push(frame);
      return;
    }
    if (frame.type === FrameType.Reply) {
      const p = this.pending.get(frame.requestId);
      if (!p) {
        this.options.logger.warn({ reply: frame }, 'loader reply to no pending command');
        return;
      }
      this.pending.delete(frame.requestId);
      clearTimeout(p.timer);
      if (frame.status === 0) p.resolve({ reply: frame, entries: p.entries });
      else {
        p.reject(
          new OmegaError(
            frame.status === -22 ? Code.InvalidArgument : Code.FailedPrecondition,
            `eBPF loader refused '${p.line}': ${frame.message} (errno ${-frame.status})`,
          ),
        );
      }
      return;
    }
    this.options.onFrame(frame);
  }

  private async applyState(): Promise<void> {
    try {
      for (const a of this.options.xdp ?? []) {
        await this.command(`xdp-attach ${a.interface} ${a.mode}${a.netns ? ` ${a.netns}` : ''}`);
        this.options.logger.info(
          { xdp: a },
          `XDP block list attached to ${a.interface} (${a.mode})`,
        );
      }
      for (const f of this.options.flowInterfaces ?? []) {
        await this.command(`tc-attach ${f.interface}${f.netns ? ` ${f.netns}` : ''}`);
        this.options.logger.info({ flows: f }, `flow accounting attached to ${f.interface}`);
      }
      for (const line of this.options.setupCommands ?? []) await this.command(line);
      for (const cidr of this.blocks) await this.command(`block ${cidr}`);
      for (const [id, path] of this.files) {
        // a file gone meanwhile (or renamed: its old path names nothing) is not a start-up failure
        await this.command(`file-watch ${id} open ${path}`).catch((err: unknown) => {
          this.files.delete(id);
          this.options.logger.warn({ err, path }, `${path} no longer watched after the restart`);
        });
      }
      for (const w of this.readyWaiters.splice(0)) w.resolve();
    } catch (err) {
      const failure = OmegaError.wrap(err, 'eBPF loader start-up', Code.FailedPrecondition);
      if (this.readyWaiters.length > 0) {
        for (const w of this.readyWaiters.splice(0)) w.reject(failure);
        this.stopped = true;
        this.child?.stdin.end();
      } else {
        this.options.logger.error({ err: failure }, failure.message);
      }
    }
  }
}
