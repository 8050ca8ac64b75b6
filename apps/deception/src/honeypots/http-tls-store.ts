// The HTTPS decoys' certificates kept in omega_decoys beside their decoy (`tls-certificate.<decoy
// id>`), as the SSH decoys' host keys are (decoy-kept-value.ts): a restarted service, or another
// replica, presents the certificate clients already saw. Never part of the Decoy record.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KV } from '@omega/bus';
import { keptForDecoy, keptValueKey, type KeptValueKind } from './decoy-kept-value';
import { selfSignedCertificate, type TlsCertificate, type TlsCertificateSource } from './http-tls';

const PREFIX = 'tls-certificate';

/** The omega_decoys key that keeps the TLS certificate of decoy `decoyId`. */
export function tlsCertificateKey(decoyId: string): string {
  return keptValueKey(PREFIX, decoyId);
}

export class KvTlsCertificates implements TlsCertificateSource {
  constructor(private readonly kv: KV) {}

  forDecoy(decoyId: string, hostname: string): Promise<TlsCertificate> {
    const kind: KeptValueKind<TlsCertificate> = {
      prefix: PREFIX,
      what: 'TLS certificate and key',
      generate: () => selfSignedCertificate(hostname),
      encode: (value) => JSON.stringify(value),
      decode: (text) => {
        const kept = JSON.parse(text) as TlsCertificate;
        new X509Certificate(kept.cert);
        createPrivateKey(kept.key);
        return { key: kept.key, cert: kept.cert };
      },
    };
    return keptForDecoy(this.kv, kind, decoyId);
  }
}
