// Builds the audit side of trust from config: the `log` key, the log, its HTTP tree and its RPCs.
import { join } from 'node:path';
import { HybridSigner, HybridVerifier, loadMlDsaBackend, MlDsaSignThread } from '@omega/crypto';
import type { Bus } from '@omega/bus';
import { subjects } from '@omega/bus';
import type { HybridPublicKey } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import type { KeyStore } from '../keys/key-store';
import { AuditLog, LEAF_SEQ_HEADER } from './audit-log';
import { auditGrpcHandlers, type TrustHandlers } from './audit-grpc';
import type { TrustConfig } from './audit-config';
import { logCheckpointPolicy, logNoteSigners } from './log-keys';
import { TileStore } from './tile-store';
import { TlogHttpServer } from './tlog-http';
import type { AuditLogMetrics } from '../trust-metrics';

/** Trust's record of the newest checkpoint it signed, in its key directory. */
export const SIGNED_HEAD_FILE = 'audit-signed-head.json';

export interface AuditService {
  readonly log: AuditLog;
  /** The `log` key's public half: checkpoints verify against it. */
  readonly logKey: HybridPublicKey;
  readonly handlers: TrustHandlers;
  readonly tlogPort: number;
  close(): Promise<void>;
}

export async function startAuditService(parts: {
  bus: Bus;
  keys: KeyStore;
  config: TrustConfig;
  logger: Logger;
  trustDomain: string;
  metrics?: AuditLogMetrics;
}): Promise<AuditService> {
  const { bus, config, logger } = parts;
  const key = await parts.keys.loadOrCreate('log');
  const mlDsa = await loadMlDsaBackend('liboqs');
  const tiles = await TileStore.open(bus);
  // Checkpoints are signed on a thread of their own: trust's event loop serves gRPC and builds
  // proofs while ML-DSA (about 1 ms of WebAssembly per checkpoint) runs beside it.
  const checkpointSigning = await MlDsaSignThread.start(key.mlDsa.exposeBytes());
  const log = await AuditLog.open({
    bus,
    origin: config.logOrigin,
    signers: logNoteSigners(config.logOrigin, key, checkpointSigning),
    policy: logCheckpointPolicy(config.logOrigin, key.publicKey, mlDsa),
    publicKey: key.publicKey,
    tiles,
    logger,
    maxBatchEntries: config.maxBatchEntries,
    flushDelayMs: config.flushDelayMs,
    signedHeadFile: join(parts.keys.dir, SIGNED_HEAD_FILE),
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
  }).catch(async (err: unknown) => {
    await checkpointSigning.close();
    throw err;
  });
  // Another replica's checkpoint means leaves this one has not seen: catch up, so checkpoints
  // served here never lag behind one a client already saw elsewhere.
  const follower = bus.nc.subscribe(subjects.auditCheckpoints, {
    callback: (err, message) => {
      if (err) return;
      const leafSeq = Number(message.headers?.get(LEAF_SEQ_HEADER) ?? Infinity);
      log.refresh(leafSeq).catch((err: unknown) => {
        logger.warn({ err }, `audit log: catching up failed: ${errorMessage(err)}`);
      });
    },
  });
  const http = new TlogHttpServer(log, tiles, logger);
  const tlogPort = await http.listen(config.tlogPort, config.tlogHost);
  const handlers = auditGrpcHandlers({
    log,
    signer: new HybridSigner(key, mlDsa),
    verifier: new HybridVerifier(mlDsa),
    signerId: `omega://${parts.trustDomain}/trust`,
  });
  return {
    log,
    logKey: key.publicKey,
    handlers,
    tlogPort,
    async close() {
      follower.unsubscribe();
      await http.close();
      await log.close();
      await checkpointSigning.close();
    },
  };
}
