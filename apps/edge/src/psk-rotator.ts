// Runs the ML-KEM PSK exchange of every pair over the tunnel (TCP on the WireGuard addresses, so
// only WireGuard-authenticated peers reach it) and installs each new PSK with `wg set`. The host
// with the smaller identity key initiates, at once and then every rotation period; a failed
// attempt is retried within seconds. A PSK change does not break the current WireGuard session:
// the next handshake uses it.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Code, OmegaError, errorMessage } from '@omega/errors';
import type { MlKem768 } from '@omega/crypto';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  PSK_MESSAGE_MAX_BYTES,
  checkConfirm,
  confirmMac,
  createInit,
  finish,
  respond,
} from './psk-exchange';
import type { WireguardDevice } from './wireguard-device';

export const PSK_PORT = 51830;
const EXCHANGE_TIMEOUT_MS = 5_000;
const RETRY_MS = 1_000;

const b64 = z
  .string()
  .max(PSK_MESSAGE_MAX_BYTES)
  .regex(/^[A-Za-z0-9+/=_-]*$/);
const initSchema = z.strictObject({
  epoch: z.int().nonnegative(),
  initiator: b64,
  responder: b64,
  encapsulationKey: b64,
  signature: b64,
});
const responseSchema = z.strictObject({ ciphertext: b64, signature: b64 });
const confirmSchema = z.strictObject({ mac: b64 });

export interface PskPeer {
  identity: string; // identity key, base64url
  transportIpv6: string;
  wireguardPublicKey: Uint8Array;
}

/** Reads length-prefixed JSON messages from a socket, each bounded in size. */
class Framed {
  private buffer = Buffer.alloc(0);
  private waiting?: { resolve: (m: unknown) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
    socket.setTimeout(EXCHANGE_TIMEOUT_MS, () =>
      this.fail(new Error(`no answer in ${EXCHANGE_TIMEOUT_MS} ms`)),
    );
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.waiting?.reject(err);
    this.waiting = undefined;
  }

  private deliver(): void {
    if (!this.waiting || this.buffer.length < 4) return;
    const length = this.buffer.readUInt32BE(0);
    if (length > PSK_MESSAGE_MAX_BYTES) {
      this.fail(
        new OmegaError(
          Code.InvalidArgument,
          `psk message of ${length} bytes exceeds ${PSK_MESSAGE_MAX_BYTES}`,
        ),
      );
      this.socket.destroy();
      return;
    }
    if (this.buffer.length < 4 + length) return;
    const body = this.buffer.subarray(4, 4 + length);
    this.buffer = this.buffer.subarray(4 + length);
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    try {
      resolve(JSON.parse(body.toString('utf8')));
    } catch (err) {
      reject(err as Error);
    }
  }

  read<T>(schema: z.ZodType<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<unknown>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    }).then((m) => schema.parse(m));
  }

  write(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    this.socket.write(Buffer.concat([length, body]));
  }
}

export interface PskRotatorOptions {
  kem: MlKem768;
  signingKey: KeyObject;
  self: string; // identity key, base64url
  selfTransportIpv6: string;
  rotationMs: number;
  device: WireguardDevice;
  log: Logger;
  /** Called after each PSK installed (for the metrics). */
  onRotated?: () => void;
}

export class PskRotator {
  private readonly peers = new Map<string, PskPeer>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastEpoch = new Map<string, number>();
  private server?: Server;
  private closed = false;

  constructor(private readonly options: PskRotatorOptions) {}

  async start(): Promise<void> {
    const server = createServer((socket) => void this.answer(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(PSK_PORT, this.options.selfTransportIpv6, () => resolve());
    });
  }

  addPeer(peer: PskPeer): void {
    const isNew = !this.peers.has(peer.identity);
    this.peers.set(peer.identity, peer);
    if (isNew && this.options.self < peer.identity) this.schedule(peer.identity, 0);
  }

  private schedule(identity: string, delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(identity));
    this.timers.set(
      identity,
      setTimeout(() => {
        this.initiate(identity).then(
          () => this.schedule(identity, this.options.rotationMs),
          (err: unknown) => {
            this.options.log.debug(
              { peer: identity, err: errorMessage(err) },
              'psk exchange failed; retrying',
            );
            this.schedule(identity, RETRY_MS);
          },
        );
      }, delayMs),
    );
  }

  private async initiate(identity: string): Promise<void> {
    const peer = this.peers.get(identity)!;
    const { kem, signingKey, self } = this.options;
    const socket = connect({ host: peer.transportIpv6, port: PSK_PORT });
    const framed = new Framed(socket);
    try {
      const { init, secretKey } = createInit(kem, signingKey, self, identity, Date.now());
      framed.write(init);
      const response = await framed.read(responseSchema);
      const psk = finish(kem, init, secretKey, response);
      framed.write({ mac: confirmMac(psk) });
      await framed.read(z.strictObject({ installed: z.literal(true) }));
      await this.install(peer, psk, init.epoch);
    } finally {
      socket.destroy();
    }
  }

  private async answer(socket: Socket): Promise<void> {
    const framed = new Framed(socket);
    try {
      const remote = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
      const peer = [...this.peers.values()].find((p) => p.transportIpv6 === remote);
      if (!peer)
        throw new OmegaError(
          Code.PermissionDenied,
          `psk exchange from ${remote}: not a peer's WireGuard address`,
        );
      const init = await framed.read(initSchema);
      if (init.epoch <= (this.lastEpoch.get(peer.identity) ?? -1)) {
        throw new OmegaError(
          Code.Unauthenticated,
          `psk init epoch ${init.epoch} is not newer than the last one`,
        );
      }
      const { response, psk } = respond(
        this.options.kem,
        this.options.signingKey,
        init,
        this.options.self,
        peer.identity,
      );
      framed.write(response);
      checkConfirm(psk, await framed.read(confirmSchema));
      await this.install(peer, psk, init.epoch);
      framed.write({ installed: true });
    } catch (err) {
      this.options.log.warn({ err: errorMessage(err) }, 'psk exchange refused');
    } finally {
      socket.end();
    }
  }

  private async install(peer: PskPeer, psk: Buffer, epoch: number): Promise<void> {
    this.lastEpoch.set(peer.identity, epoch);
    await this.options.device.setPresharedKey(peer.wireguardPublicKey, psk);
    psk.fill(0);
    this.options.onRotated?.();
    this.options.log.info({ peer: peer.identity, epoch }, 'psk rotated');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
