// The HTTPS decoys' certificates kept in omega_decoys beside their decoy (`tls-certificate.<decoy
// id>`), as the SSH decoys' host keys are (ssh-host-key-store.ts): a restarted service, or another
// replica, presents the certificate clients already saw. Never part of the Decoy record.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KV } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { selfSignedCertificate, type TlsCertificate, type TlsCertificateSource } from './http-tls';

/** The omega_decoys key that keeps the TLS certificate of decoy `decoyId`. */
export function tlsCertificateKey(decoyId: string): string {
  return `tls-certificate.${decoyId}`;
}

export class KvTlsCertificates implements TlsCertificateSource {
  constructor(private readonly kv: KV) {}

  async forDecoy(decoyId: string, hostname: string): Promise<TlsCertificate> {
    const key = tlsCertificateKey(decoyId);
    const kept = await this.#read(key);
    if (kept !== undefined) return kept;
    const generated = await selfSignedCertificate(hostname);
    try {
      await this.kv.create(key, Buffer.from(JSON.stringify(generated), 'utf8'));
      return generated;
    } catch (err) {
      // Another replica starting the same decoy wrote first: its certificate is the decoy's.
      const theirs = await this.#read(key);
      if (theirs !== undefined) return theirs;
      throw OmegaError.wrap(err, `HTTPS decoy ${decoyId}: keeping its certificate as ${key}`);
    }
  }

  async #read(key: string): Promise<TlsCertificate | undefined> {
    const entry = await this.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    try {
      const kept = JSON.parse(Buffer.from(entry.value).toString('utf8')) as TlsCertificate;
      new X509Certificate(kept.cert);
      createPrivateKey(kept.key);
      return { key: kept.key, cert: kept.cert };
    } catch (err) {
      // Never replaced silently: a new certificate is the tell this store exists to avoid.
      throw new OmegaError(
        Code.DataLoss,
        `omega_decoys ${key} (revision ${entry.revision}) is not a certificate and key: ${errorMessage(err)}; delete it to give the decoy a new certificate`,
      );
    }
  }
}
