// List then watch one kind of Kubernetes object, for ever: pages of a bounded size, a watch from
// the list's resourceVersion with bookmarks, a relist when the API server answers 410 Gone (the
// version is too old), and exponential backoff while it cannot be reached. Requests go through
// node:https with the credentials @kubernetes/client-node's KubeConfig applies (token files are
// re-read, client certificates and CAs as the kubeconfig says), so every answer is bounded in size.
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { trimObject, type WatchedKind } from './watched-kinds';

export interface KindWatchLimits {
  /** Objects asked per list page. */
  readonly pageSize: number;
  /** Largest list page or watch event accepted (bytes). */
  readonly maxMessageBytes: number;
  /** Longest silence of a list request before it is given up. */
  readonly requestTimeoutMs: number;
  /** How long the API server keeps one watch open before the twin starts the next. */
  readonly watchTimeoutSeconds: number;
  /** First wait after a failure, doubled per failure up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface KindWatchHandlers {
  /** A full list (first, or after 410 Gone): what is not in it is gone. */
  onList(kind: WatchedKind, objects: unknown[]): void;
  onEvent(kind: WatchedKind, type: WatchEventType, object: unknown): void;
  /** A failure; the watch retries after `retryInMs`. */
  onError(kind: WatchedKind, error: OmegaError, retryInMs: number): void;
  /** The API server no longer has the version watched from (410 Gone): the kind is listed again. */
  onExpired(kind: WatchedKind): void;
}

/** A watch ended by the API server with 410 Gone: the twin lists again. */
class Expired extends Error {}

export class KindWatch {
  private resourceVersion = '';
  private active: IncomingMessage | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly kind: WatchedKind,
    private readonly limits: KindWatchLimits,
    private readonly handlers: KindWatchHandlers,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.active?.destroy(), { once: true });
  }

  /** Runs until the signal aborts. */
  async run(): Promise<void> {
    let backoffMs = this.limits.initialBackoffMs;
    while (!this.signal.aborted) {
      try {
        await this.list();
        backoffMs = this.limits.initialBackoffMs;
        for (;;) {
          if (this.signal.aborted) return;
          await this.watch();
        }
      } catch (err) {
        if (this.signal.aborted) return;
        if (err instanceof Expired) {
          this.handlers.onExpired(this.kind);
          continue;
        }
        const error =
          err instanceof OmegaError
            ? err
            : new OmegaError(
                Code.Unavailable,
                `Kubernetes list/watch ${this.kind.kind} (${this.kind.path}): ${errorMessage(err)}`,
                { cause: err },
              );
        this.handlers.onError(this.kind, error, backoffMs);
        await sleep(backoffMs, this.signal);
        backoffMs = Math.min(this.limits.maxBackoffMs, backoffMs * 2);
      }
    }
  }

  private async list(): Promise<void> {
    const items: unknown[] = [];
    let continueToken = '';
    do {
      const query = new URLSearchParams({ limit: String(this.limits.pageSize) });
      if (continueToken) query.set('continue', continueToken);
      const answer = await this.request(`${this.kind.path}?${query}`, 'PartialObjectMetadataList');
      const body = await readBody(answer, this.limits.maxMessageBytes, this.what('list'));
      const page = parseJson(body, this.what('list')) as {
        items?: unknown[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      for (const item of page.items ?? []) items.push(trimObject(this.kind, item));
      continueToken = page.metadata?.continue ?? '';
      this.resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (continueToken);
    this.handlers.onList(this.kind, items);
  }

  private async watch(): Promise<void> {
    const query = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.limits.watchTimeoutSeconds),
      resourceVersion: this.resourceVersion,
    });
    // The API server ends the watch after timeoutSeconds: a socket idle well past that is dead.
    const idleMs = (this.limits.watchTimeoutSeconds + 30) * 1000;
    const answer = await this.request(
      `${this.kind.path}?${query}`,
      'PartialObjectMetadata',
      idleMs,
    );
    this.active = answer;
    try {
      const decoder = new StringDecoder('utf8');
      let buffered = '';
      for await (const chunk of answer) {
        buffered += decoder.write(chunk as Buffer);
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) this.event(line);
        }
        if (buffered.length > this.limits.maxMessageBytes) {
          throw new OmegaError(
            Code.ResourceExhausted,
            `${this.what('watch')}: an event longer than ${this.limits.maxMessageBytes} bytes (maxMessageBytes); watching again`,
          );
        }
      }
    } finally {
      this.active = undefined;
      answer.destroy();
    }
  }

  private event(line: string): void {
    const event = parseJson(line, this.what('watch')) as {
      type?: string;
      object?: { metadata?: { resourceVersion?: string }; code?: number; message?: string };
    };
    const object = event.object;
    if (event.type === 'ERROR') {
      if (object?.code === 410) throw new Expired();
      throw new OmegaError(
        Code.Unavailable,
        `${this.what('watch')}: the API server ended the watch: ${object?.code ?? '?'} ${object?.message ?? ''}`,
      );
    }
    const version = object?.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
      this.handlers.onEvent(this.kind, event.type, trimObject(this.kind, object));
    }
  }

  private what(verb: string): string {
    return `Kubernetes ${verb} ${this.kind.kind} (${this.kind.path})`;
  }

  /** One GET; rejects with the HTTP status and the API server's message unless 200. */
  private async request(
    path: string,
    metadataAs: string,
    timeoutMs = this.limits.requestTimeoutMs,
  ): Promise<IncomingMessage> {
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (!server) {
      throw new OmegaError(Code.FailedPrecondition, 'Kubernetes: the kubeconfig names no server');
    }
    const url = new URL(path, server);
    const options: RequestOptions = {
      method: 'GET',
      headers: {
        accept: this.kind.metadataOnly
          ? `application/json;as=${metadataAs};g=meta.k8s.io;v=v1`
          : 'application/json',
      },
    };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { ...options, signal: this.signal }, resolve);
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`nothing received for ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end();
    });
    if (answer.statusCode === 410) {
      answer.resume();
      throw new Expired();
    }
    if (answer.statusCode !== 200) {
      const text = await readBody(answer, 64 * 1024, this.what('list')).catch(() => '');
      const message = ((): string => {
        try {
          return String((JSON.parse(text) as { message?: unknown }).message ?? text);
        } catch {
          return text;
        }
      })().slice(0, 300);
      const hint =
        answer.statusCode === 403
          ? ' (the twin needs get, list and watch on it: charts/omega templates/rbac.yaml)'
          : '';
      throw new OmegaError(
        answer.statusCode === 403 || answer.statusCode === 401
          ? Code.PermissionDenied
          : Code.Unavailable,
        `${this.what('GET')}: HTTP ${answer.statusCode}: ${message}${hint}`,
      );
    }
    return answer;
  }
}

async function readBody(answer: IncomingMessage, maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) {
      answer.destroy();
      throw new OmegaError(
        Code.ResourceExhausted,
        `${what}: an answer longer than ${maxBytes} bytes (maxMessageBytes; lower pageSize)`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OmegaError(Code.Unavailable, `${what}: not JSON: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
