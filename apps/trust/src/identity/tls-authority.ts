// The trust CA for mutual TLS: an Ed25519 key derived from the root key (HKDF, so it is as sealed
// as the root and every replica derives the same one), a deterministic self-signed CA certificate
// (the trust bundle), and short-lived leaf certificates whose URI SAN is the identity's subject.
import 'reflect-metadata';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  webcrypto,
  type KeyObject,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { HybridSecretKey } from '@omega/crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ED25519 = { name: 'Ed25519' } as const;
/** Fixed so that every replica (and every restart) builds the identical CA certificate. */
const CA_NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const CA_NOT_AFTER = new Date('2045-01-01T00:00:00Z');
/** Leaf certificates start this much before issuance, for peers whose clocks run behind. */
const LEAF_BACKDATE_MS = 60_000;

export interface LeafRequest {
  /** `omega://<cluster>/<kind>/<name>`: the certificate's URI SAN. */
  readonly subject: string;
  /** The key the certificate binds (today the identity's Ed25519 key). */
  readonly publicKey: KeyObject;
  /** Hex, positive, at most 20 bytes: the credential's serial. */
  readonly serialHex: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** Host names and addresses for a server certificate (the bus's NATS server). */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

export class TlsAuthority {
  private constructor(
    private readonly caKey: webcrypto.CryptoKey,
    readonly caCertificate: x509.X509Certificate,
  ) {}

  /** Derives the CA key from the root key's Ed25519 seed and builds the CA certificate. */
  static async fromRootKey(rootKey: HybridSecretKey, cluster: string): Promise<TlsAuthority> {
    const seed = Buffer.from(
      hkdfSync(
        'sha256',
        rootKey.ed25519.exposeBytes(),
        Buffer.from('omega trust tls ca'),
        Buffer.from(`v1 ${rootKey.keyId} ${cluster}`),
        32,
      ),
    );
    const privateKey = createPrivateKey({
      key: seed,
      format: 'raw-private',
      asymmetricKeyType: 'ed25519',
    });
    seed.fill(0);
    const caKey = privateKey.toCryptoKey(ED25519, false, ['sign']);
    const caPublic = createPublicKey(privateKey).toCryptoKey(ED25519, true, ['verify']);
    const caCertificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: positiveSerial(
        createHash('sha256')
          .update(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))
          .digest('hex'),
      ),
      name: `CN=Omega trust CA ${cluster}, O=Omega`,
      notBefore: CA_NOT_BEFORE,
      notAfter: CA_NOT_AFTER,
      keys: { privateKey: caKey, publicKey: caPublic },
      signingAlgorithm: ED25519,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(caPublic),
      ],
    });
    return new TlsAuthority(caKey, caCertificate);
  }

  /** DER of the CA certificate: the trust bundle for mutual TLS. */
  get caCertificateDer(): Buffer {
    return Buffer.from(this.caCertificate.rawData);
  }

  get caCertificatePem(): string {
    return this.caCertificate.toString('pem') + '\n';
  }

  /** A leaf certificate for client and server authentication, DER. */
  async issueLeaf(request: LeafRequest): Promise<Buffer> {
    const publicKey = request.publicKey.toCryptoKey(publicKeyAlgorithm(request.publicKey), true, [
      'verify',
    ]);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: positiveSerial(request.serialHex),
      subject: `CN=${request.subject.replace(/^omega:\/\//, '').replace(/[,+="\\<>;#]/g, '_')}`,
      issuer: this.caCertificate.subject,
      notBefore: new Date(request.notBeforeMs - LEAF_BACKDATE_MS),
      notAfter: new Date(request.notAfterMs),
      publicKey,
      signingKey: this.caKey,
      signingAlgorithm: ED25519,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: request.subject },
          ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
          ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(this.caCertificate),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
      ],
    });
    return Buffer.from(certificate.rawData);
  }
}

/** Web Crypto algorithm for a node public key (Ed25519 today; P-256 once TLS keys are separate). */
function publicKeyAlgorithm(
  key: KeyObject,
): webcrypto.AlgorithmIdentifier | webcrypto.EcKeyImportParams {
  return key.asymmetricKeyType === 'ec' ? { name: 'ECDSA', namedCurve: 'P-256' } : ED25519;
}

/** At most 20 bytes with the top bit clear: a positive INTEGER as RFC 5280 asks. */
function positiveSerial(hex: string): string {
  const trimmed = hex.slice(0, 40);
  const first = parseInt(trimmed.slice(0, 1), 16) & 0x7;
  return `${first.toString(16)}${trimmed.slice(1)}`;
}
