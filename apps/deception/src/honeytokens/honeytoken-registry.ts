// The honeytokens: minted (the secret returned once, only a digest kept), stored in the KV bucket
// omega_tokens, recognized when presented (credentials at a honeypot, a canary URL fetched),
// counted and revoked. Every replica watches the bucket, so a token minted or revoked on one is
// recognized the same way by all; each mint and revocation goes to trust's audit log first.
import { randomBytes } from 'node:crypto';
import type { KV } from '@omega/bus';
import {
  AuditEntry,
  AuditEntryKind,
  Honeytoken,
  HoneytokenKind,
  HoneytokenStatus,
  type AuditRef,
} from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import {
  describeRequester,
  requesterActor,
  type AuditClient,
  type Requester,
} from '@omega/trust-client';
import {
  HONEYTOKEN_ID,
  HONEYTOKENS_BUCKET,
  decodeRecord,
  encodeRecord,
  expired,
  kindName,
  newestFirst,
  type HoneytokenRecord,
} from './honeytoken-record';
import { HoneytokenIndex, type Known } from './honeytoken-index';
import {
  canaryUrlLookup,
  credentialLookup,
  fileLookup,
  nativePasswordLookup,
} from './honeytoken-lookups';
import { TriggerCounter } from './trigger-counter';
import { isKubernetesKind, mintValue, type NewHoneytoken } from './honeytoken-mint';
import type { SecretPlanter } from './secret-planter';
import { removePlanted } from './honeytoken-planted';
import type { FilePlanter } from './file-planter';
import type { RandomBytes } from './honeytoken-values';

export interface HoneytokenRegistrySettings {
  /** Most honeytokens kept; MintHoneytoken answers RESOURCE_EXHAUSTED beyond. */
  readonly maxHoneytokens: number;
  /** Least time between two trigger-count writes of one honeytoken (uses in between add up). */
  readonly triggerWriteIntervalMs: number;
}

export interface Minted {
  readonly honeytoken: Honeytoken;
  readonly secretValue: string;
  readonly secretId: string;
  /** A file honeytoken's content ('' for other kinds). */
  readonly fileContent: string;
}

export interface HoneytokenFilter {
  readonly kind?: HoneytokenKind;
  readonly namespace?: string;
  readonly status?: HoneytokenStatus;
}

export interface HoneytokenRegistryOptions {
  kv: KV;
  /** Trust's audit log; without it nothing is logged (development without enrollment). */
  audit?: AuditClient;
  /** This service's identity: the actor of a change nobody verified asked for. */
  self: () => { id: string; keyId: string };
  settings: HoneytokenRegistrySettings;
  /** The canary base URL once the canary listener is up (undefined: canary URLs cannot be minted). */
  canaryBaseUrl: () => string | undefined;
  /** The DNS canary zone once the responder is up (undefined: DNS canaries cannot be minted). */
  dnsZone?: () => string | undefined;
  /** Plants Kubernetes kinds when asked (deception.kubernetes.plant); without it they cannot be. */
  planter?: SecretPlanter;
  /** Plants file honeytokens when asked (deception.files.plantRoots); without it they cannot be. */
  filePlanter?: FilePlanter;
  logger: Logger;
  clock?: () => number;
  random?: RandomBytes;
  onUnreadable?: (key: string) => void;
}

export class HoneytokenRegistry {
  readonly #known = new HoneytokenIndex();
  readonly #triggers: TriggerCounter;
  readonly #clock: () => number;
  readonly #random: RandomBytes;
  #stopWatch: () => void = () => {};

  private constructor(private readonly options: HoneytokenRegistryOptions) {
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? randomBytes;
    this.#triggers = new TriggerCounter({
      kv: options.kv,
      intervalMs: options.settings.triggerWriteIntervalMs,
      current: (id) => this.#known.get(id),
      stored: (id, record, revision) => this.#known.remember(id, { record, revision }),
      logger: options.logger,
      clock: this.#clock,
    });
  }

  /** Opens the registry and waits until the honeytokens stored now have been read. */
  static async open(options: HoneytokenRegistryOptions): Promise<HoneytokenRegistry> {
    const registry = new HoneytokenRegistry(options);
    await registry.#watch();
    return registry;
  }

  /** Stops watching; trigger counts not yet written are written first. */
  async stop(): Promise<void> {
    await this.#triggers.stop();
    this.#stopWatch();
  }

  async #watch(): Promise<void> {
    const { kv, logger } = this.options;
    const watcher = await kv.watch({ key: '>' });
    this.#stopWatch = () => watcher.stop();
    let ready: () => void = () => {};
    const initialized = new Promise<void>((resolve) => (ready = resolve));
    if ((await kv.status()).values === 0) ready();
    void (async () => {
      for await (const entry of watcher) {
        if (!HONEYTOKEN_ID.test(entry.key)) {
          // Not a honeytoken's key: nothing of ours.
        } else if (entry.operation !== 'PUT') {
          this.#known.forget(entry.key);
        } else {
          try {
            this.#known.remember(entry.key, {
              record: decodeRecord(entry.value, entry.key),
              revision: entry.revision,
            });
          } catch (err) {
            this.#known.forget(entry.key);
            this.options.onUnreadable?.(entry.key);
            logger.error(
              { err, key: entry.key, revision: entry.revision },
              `${HONEYTOKENS_BUCKET} ${entry.key} (revision ${entry.revision}) unreadable, its use is not recognized: ${errorMessage(err)}`,
            );
          }
        }
        if (entry.delta === 0) ready();
      }
    })().catch((err: unknown) => {
      logger.error(
        { err },
        `watch on ${HONEYTOKENS_BUCKET} ended: ${errorMessage(err)}; honeytokens minted or revoked elsewhere are not seen until restart`,
      );
    });
    await initialized;
  }

  /** Mints a honeytoken: logged, then stored; the secret is returned only here. */
  async mint(request: NewHoneytoken): Promise<Minted> {
    if (this.#known.size >= this.options.settings.maxHoneytokens) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `MintHoneytoken: ${this.#known.size} honeytokens kept, the most this service keeps (deception.honeytokens.maxHoneytokens, revoked ones included: they still detect); raise it`,
      );
    }
    const nowMs = this.#clock();
    const value = mintValue(request, {
      random: this.#random,
      nowMs,
      canaryBaseUrl: this.options.canaryBaseUrl(),
      dnsZone: this.options.dnsZone?.(),
      canPlant: this.options.planter !== undefined,
      canPlantFiles: this.options.filePlanter !== undefined,
    });
    const id = this.#random(8).toString('hex');
    let honeytoken: Honeytoken = Honeytoken.fromPartial({
      id,
      kind: request.kind,
      name: request.name,
      namespace: request.namespace,
      placement: request.placement,
      status: HoneytokenStatus.HONEYTOKEN_STATUS_ACTIVE,
      labels: { ...request.labels },
      createTimeNs: BigInt(nowMs) * 1_000_000n,
      expireTimeNs:
        request.ttlSeconds > 0 ? BigInt(nowMs + request.ttlSeconds * 1000) * 1_000_000n : 0n,
    });
    const planter =
      request.plant && isKubernetesKind(request.kind) ? this.options.planter : undefined;
    const file = request.plant ? value.file : undefined;
    await planter?.plant(request, value.secret);
    if (file) await this.options.filePlanter?.plant(id, file.path, file.content);
    try {
      // Logged before it is recognized: no honeytoken works that the audit log does not show.
      const audit = await this.#log(
        honeytoken,
        `honeytoken ${id} (${kindName(request.kind)} "${request.name}") minted for ${request.placement || 'no stated placement'}${planter ? ` and planted as Secret ${request.namespace}/${request.name}` : ''}${file ? ` and planted as file ${file.path}` : ''}${describeRequester(request.requester)}`,
        `honeytoken-minted:${request.requestId || id}`,
        request.requester,
      );
      if (audit !== undefined) honeytoken = { ...honeytoken, audit };
      const record: HoneytokenRecord = {
        honeytoken,
        recognizer: value.recognizer,
        ...(planter || file ? { planted: true } : {}),
      };
      const revision = await this.options.kv.create(id, encodeRecord(record));
      this.#known.remember(id, { record, revision });
    } catch (err) {
      // Nothing planted stays behind that no record knows of.
      if (file) await this.options.filePlanter?.remove(id, file.path).catch(() => {});
      await planter
        ?.remove(request)
        .catch((removeErr: unknown) =>
          this.options.logger.error(
            { err: removeErr, honeytoken: id },
            `honeytoken ${id}: Secret ${request.namespace}/${request.name} planted but not recorded, and not removed: ${errorMessage(removeErr)}; delete it by hand`,
          ),
        );
      throw err;
    }
    this.options.logger.info(
      { honeytoken: id, kind: kindName(request.kind), requester: request.requester },
      `honeytoken ${id} minted`,
    );
    return {
      honeytoken,
      secretValue: value.secret,
      secretId: value.id,
      fileContent: value.file?.content ?? '',
    };
  }

  /** Honeytokens matching `filter`, newest first (ties by id). */
  list(filter: HoneytokenFilter = {}): Honeytoken[] {
    return [...this.#known.values()]
      .map(({ record }) => record.honeytoken)
      .filter(
        (token) =>
          (filter.kind === undefined || token.kind === filter.kind) &&
          (filter.namespace === undefined || token.namespace === filter.namespace) &&
          (filter.status === undefined || token.status === filter.status),
      )
      .sort(newestFirst);
  }

  get(id: string): Honeytoken | undefined {
    return this.#known.get(id)?.record.honeytoken;
  }

  /** Revokes a honeytoken: logged, then stored with a revision check; its later use still counts. */
  async revoke(
    id: string,
    reason: string,
    requester?: Requester,
    requestId = '',
  ): Promise<Honeytoken> {
    for (let attempt = 0; ; attempt++) {
      const known = this.#known.get(id);
      if (known === undefined) {
        throw new OmegaError(Code.NotFound, `RevokeHoneytoken: honeytoken ${id} is not known`);
      }
      const before = known.record.honeytoken;
      if (before.status === HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED) return before;
      const revoked: Honeytoken = {
        ...before,
        status: HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED,
      };
      if (attempt === 0) {
        // What was planted goes first: a revocation that did not remove it is not done.
        await removePlanted(known.record, this.options, 'RevokeHoneytoken');
        await this.#log(
          revoked,
          `honeytoken ${id} (${kindName(before.kind)} "${before.name}") revoked${reason === '' ? '' : `: ${reason}`}${describeRequester(requester)}`,
          `honeytoken-revoked:${requestId || id}`,
          requester,
        );
      }
      const record = { ...known.record, honeytoken: revoked };
      try {
        const revision = await this.options.kv.update(id, encodeRecord(record), known.revision);
        this.#known.remember(id, { record, revision });
        return revoked;
      } catch (err) {
        // A trigger count or another replica wrote first: read it again and retry.
        if (attempt >= 4) throw OmegaError.wrap(err, `RevokeHoneytoken ${id}`);
        await this.#reload(id);
      }
    }
  }

  /**
   * Deletes expired honeytoken `id`: what was planted first (Secret, file and its watch), logged,
   * then its record purged if no other replica changed it meanwhile. False if it is not expired.
   */
  async removeExpired(id: string): Promise<boolean> {
    const known = this.#known.get(id);
    const token = known?.record.honeytoken;
    if (!known || !token || !expired(token, BigInt(this.#clock()) * 1_000_000n)) return false;
    await removePlanted(known.record, this.options, 'expiry sweep');
    const summary = `honeytoken ${id} (${kindName(token.kind)} "${token.name}") expired and removed`;
    await this.#log(token, summary, `honeytoken-expired:${id}`);
    await this.options.kv.purge(id, { previousSeq: known.revision });
    this.#known.forget(id);
    return true;
  }

  async #reload(id: string): Promise<void> {
    const entry = await this.options.kv.get(id);
    if (entry === null || entry.operation !== 'PUT') {
      this.#known.forget(id);
      return;
    }
    this.#known.remember(id, { record: decodeRecord(entry.value, id), revision: entry.revision });
  }

  /**
   * The honeypots' CredentialCheck: the id of the honeytoken `username`/`secret` is (a credential,
   * an access key, or a service-account token presented as the secret), or undefined. The lookup
   * is by username; each candidate's digest is compared in constant time. A use is counted.
   */
  readonly credentialCheck = (username: string, secret: string): string | undefined =>
    this.recognize(credentialLookup(username, secret))[0];

  /**
   * For MySQL decoys (mysql_native_password): the id of the CREDENTIAL honeytoken of `username`
   * whose password answers `scramble` with `token`, counted as a use; or undefined.
   */
  readonly nativePasswordCheck = (
    username: string,
    scramble: Buffer,
    token: Buffer,
  ): string | undefined => this.recognize(nativePasswordLookup(username, scramble, token))[0];

  /** The id of the canary URL honeytoken whose path is `path`, counted as a use; or undefined. */
  canaryUse(path: string): string | undefined {
    return this.recognize(canaryUrlLookup(path))[0];
  }

  /** The FILE honeytoken `id` a sentinel saw opened, counted as a use; or undefined. */
  fileUse(id: string): string | undefined {
    return this.recognize(fileLookup(id))[0];
  }

  /**
   * The ids of the known, unexpired honeytokens `lookup` finds (each channel's lookup,
   * honeytoken-lookups.ts), each counted as a use.
   */
  recognize(lookup: (index: HoneytokenIndex) => Iterable<Known>): string[] {
    const nowNs = BigInt(this.#clock()) * 1_000_000n;
    const ids: string[] = [];
    for (const { record } of lookup(this.#known)) {
      if (!expired(record.honeytoken, nowNs)) ids.push(this.#used(record.honeytoken.id));
    }
    return ids;
  }

  #used(id: string): string {
    this.#triggers.add(id);
    return id;
  }

  /** Resolves once every use counted so far is written (or failed, logged). */
  triggersWritten(): Promise<void> {
    return this.#triggers.settled();
  }

  async #log(honeytoken: Honeytoken, summary: string, requestId: string, requester?: Requester) {
    const { audit } = this.options;
    if (audit === undefined) return undefined;
    const ref: AuditRef = await audit.append(
      AuditEntry.fromPartial({
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_DECOY_CHANGED,
        timeNs: BigInt(this.#clock()) * 1_000_000n,
        actor: requesterActor(requester, this.options.self()),
        subject: `honeytoken/${honeytoken.id}`,
        summary,
        payloadType: 'omega.v1.Honeytoken',
        // The secret is never logged: Honeytoken does not carry it.
        payload: Buffer.from(Honeytoken.encode(honeytoken).finish()),
      }),
      { requestId },
    );
    return ref;
  }
}
