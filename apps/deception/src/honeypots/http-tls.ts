// The certificate an HTTPS admin decoy presents: self-signed, as the appliances whose login pages
// the skins copy ship theirs (a router, a dashboard, a build server), for the decoy's host name,
// with a serial, validity and key of the usual kind (ECDSA P-256, ten years from a date in the past
// year). Generated once per decoy and kept by a TlsCertificateSource, so a client that saw it
// before sees the same one (a changed certificate is a tell).
import 'reflect-metadata';
import { randomBytes, randomInt, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const DAY_MS = 86_400_000;

/** PEM key and certificate, as node:https takes them. */
export interface TlsCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Where an HTTPS decoy's certificate comes from: the same one every time for one decoy. */
export interface TlsCertificateSource {
  forDecoy(decoyId: string, hostname: string): Promise<TlsCertificate>;
}

/** A new self-signed certificate for `hostname`, issued some day in the past year. */
export async function selfSignedCertificate(
  hostname: string,
  nowMs = Date.now(),
): Promise<TlsCertificate> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(nowMs - randomInt(30, 365) * DAY_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=${hostname}`,
    keys,
    signingAlgorithm: algorithm,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: hostname }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
  return { key, cert: cert.toString('pem') };
}

/** Certificates per decoy kept in this process (the service keeps them in omega_decoys instead). */
export class TlsCertificates implements TlsCertificateSource {
  readonly #certificates = new Map<string, Promise<TlsCertificate>>();

  forDecoy(decoyId: string, hostname: string): Promise<TlsCertificate> {
    let certificate = this.#certificates.get(decoyId);
    if (certificate === undefined) {
      certificate = selfSignedCertificate(hostname);
      this.#certificates.set(decoyId, certificate);
    }
    return certificate;
  }
}
