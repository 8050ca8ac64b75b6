// Where `omega audit` reads the log from: trust's gRPC API and/or its tlog-tiles HTTP tree.
import type * as grpc from '@grpc/grpc-js';
import {
  checkpointNoteOf,
  consistencyProofPlan,
  decodeEntryBundle,
  entryBundlePath,
  inclusionProofPlan,
  TILE_WIDTH,
  type ProofPlan,
  TILE_HEIGHT,
  tileAt,
  TileHashReader,
  tilePath,
  type TileId,
} from '@omega/auditlog';
import {
  AuditEntry,
  GetCheckpointRequest,
  GetConsistencyProofRequest,
  GetInclusionProofRequest,
  ListAuditEntriesRequest,
  TrustServiceClient,
  type TrustServiceService,
  type AttestArtifactRequest,
  type AttestArtifactResponse,
  type Checkpoint,
  type GetTrustBundleResponse,
  type HybridPublicKey,
  type InclusionProof,
} from '@omega/proto';
import { Code, OmegaError, createPromiseClient, type PromiseClient } from '@omega/runtime';

export interface AuditSourceOptions {
  /** Channel credentials for trust (the operator's mutual TLS); default plaintext. */
  credentials?: grpc.ChannelCredentials;
  /** trust gRPC address, e.g. 127.0.0.1:50052. */
  trust?: string;
  /** tlog-tiles base URL, e.g. http://127.0.0.1:8081. */
  tlog?: string;
}

export class AuditSource {
  private client: PromiseClient<typeof TrustServiceService> | undefined;

  constructor(private readonly opts: AuditSourceOptions) {}

  close(): void {
    this.client?.close();
  }

  private trust(): PromiseClient<typeof TrustServiceService> {
    if (!this.opts.trust) {
      throw new OmegaError(
        Code.InvalidArgument,
        'this needs the trust gRPC address: pass --trust HOST:PORT',
      );
    }
    this.client ??= createPromiseClient(TrustServiceClient, this.opts.trust, {
      ...(this.opts.credentials ? { credentials: this.opts.credentials } : {}),
    });
    return this.client;
  }

  trustBundle(): Promise<GetTrustBundleResponse> {
    return this.trust().getTrustBundle({});
  }

  /** The latest checkpoint message over gRPC; its signature names the log key by key id. */
  async checkpoint(): Promise<Checkpoint> {
    const { checkpoint } = await this.trust().getCheckpoint(GetCheckpointRequest.fromPartial({}));
    return checkpoint!;
  }

  /** The latest signed checkpoint note: over HTTP when --tlog is given, else over gRPC. */
  async checkpointNote(publicKey: HybridPublicKey): Promise<string> {
    if (this.opts.tlog) return new TextDecoder().decode(await this.tlogFile('checkpoint'));
    return checkpointNoteOf(await this.checkpoint(), publicKey);
  }

  /** Consistency proof from size1 to size2: over gRPC, or computed from tiles over HTTP. */
  async consistencyProof(size1: number, size2: number): Promise<Uint8Array[]> {
    if (!this.opts.tlog) {
      const { proof } = await this.trust().getConsistencyProof(
        GetConsistencyProofRequest.fromPartial({
          firstTreeSize: BigInt(size1),
          secondTreeSize: BigInt(size2),
        }),
      );
      return proof!.hashes;
    }
    return this.proofFromTiles(consistencyProofPlan(size1, size2), size2);
  }

  /** The inclusion proof of `index` in the tree of `size`, computed from tiles over HTTP. */
  inclusionProofFromTiles(index: number, size: number): Promise<Uint8Array[]> {
    return this.proofFromTiles(inclusionProofPlan(index, size), size);
  }

  /** Entry `index` as its entry bundle in the tree of `size` holds it, over HTTP. */
  async entryFromTiles(index: number, size: number): Promise<Uint8Array> {
    if (index >= size) {
      throw new OmegaError(Code.NotFound, `audit log: no entry ${index} in a log of ${size}`);
    }
    const bundle = Math.floor(index / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, size - bundle * TILE_WIDTH);
    const path = entryBundlePath({ index: bundle, width });
    return decodeEntryBundle(await this.tlogFile(path), width)[index % TILE_WIDTH]!;
  }

  private async proofFromTiles(plan: ProofPlan, size: number): Promise<Uint8Array[]> {
    const tiles = new Map<string, Uint8Array>();
    const ids = new Map<string, TileId>();
    for (const node of plan.nodes) {
      const below = node.level % TILE_HEIGHT;
      const id = tileAt(node.level - below, node.index * 2 ** below, size);
      ids.set(tilePath(id), id);
    }
    await Promise.all(
      [...ids.keys()].map(async (path) => tiles.set(path, await this.tlogFile(path))),
    );
    const reader = new TileHashReader(size, { readTile: (id) => tiles.get(tilePath(id))! });
    return plan.assemble(reader.readHashes(plan.nodes));
  }

  async inclusionProof(
    index: number,
    treeSize = 0,
  ): Promise<{ proof: InclusionProof; checkpoint: Checkpoint }> {
    const { proof, checkpoint } = await this.trust().getInclusionProof(
      GetInclusionProofRequest.fromPartial({
        leaf: { $case: 'logIndex', value: BigInt(index) },
        treeSize: BigInt(treeSize),
      }),
    );
    return { proof: proof!, checkpoint: checkpoint! };
  }

  async entry(index: number): Promise<AuditEntry> {
    const { records } = await this.trust().listAuditEntries(
      ListAuditEntriesRequest.fromPartial({ startIndex: BigInt(index), pageSize: 1 }),
    );
    if (!records[0]) throw new OmegaError(Code.NotFound, `audit log: no entry ${index}`);
    return records[0].entry!;
  }

  attest(request: AttestArtifactRequest): Promise<AttestArtifactResponse> {
    return this.trust().attestArtifact(request);
  }

  /** A file of the tlog-tiles tree (checkpoint, tile, entry bundle); needs --tlog. */
  async tlogFile(path: string): Promise<Uint8Array> {
    if (!this.opts.tlog) {
      throw new OmegaError(
        Code.InvalidArgument,
        'this needs the tlog-tiles URL: pass --tlog URL (e.g. http://127.0.0.1:8081)',
      );
    }
    const url = `${this.opts.tlog!.replace(/\/+$/, '')}/${path}`;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw OmegaError.wrap(err, `GET ${url}`, Code.Unavailable);
    }
    if (!response.ok) {
      throw new OmegaError(
        response.status === 404 ? Code.NotFound : Code.Unavailable,
        `GET ${url}: ${response.status} ${(await response.text()).trim()}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  }
}
