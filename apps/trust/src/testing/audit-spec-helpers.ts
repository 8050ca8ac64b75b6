// Shared by the audit specs: a log on a real NATS server with a fresh `log` key.
import { connectBus, provision, type Bus } from '@omega/bus';
import { generateHybridSecretKey, loadMlDsaBackend, type HybridSecretKey } from '@omega/crypto';
import { AuditEntry, AuditEntryKind } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { AuditLog, type AuditLogOptions } from '../audit/audit-log';
import { logCheckpointPolicy, logNoteSigners } from '../audit/log-keys';
import { TileStore } from '../audit/tile-store';

export const ORIGIN = 'omega.test/audit';
export const silentLogger = createLogger({ service: 'trust', level: 'silent' });

export async function newLogKey(): Promise<HybridSecretKey> {
  return generateHybridSecretKey(await loadMlDsaBackend('liboqs'));
}

export async function openBus(url: string, name = 'audit-spec'): Promise<Bus> {
  const bus = await connectBus({ servers: url, name, logger: silentLogger });
  await provision(bus, { streams: ['AUDIT'] });
  return bus;
}

export async function openLog(
  bus: Bus,
  key: HybridSecretKey,
  extra: Partial<AuditLogOptions> = {},
): Promise<AuditLog> {
  const mlDsa = await loadMlDsaBackend('liboqs');
  return AuditLog.open({
    bus,
    origin: ORIGIN,
    signers: logNoteSigners(ORIGIN, key, mlDsa),
    policy: logCheckpointPolicy(ORIGIN, key.publicKey, mlDsa),
    publicKey: key.publicKey,
    tiles: await TileStore.open(bus),
    logger: silentLogger,
    ...extra,
  });
}

export function alertEntry(n: number): AuditEntry {
  return AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    timeNs: BigInt(n),
    subject: `alert-${n}`,
    summary: `alert number ${n}`,
  });
}
