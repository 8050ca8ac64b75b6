// The certificates and keys a throwaway kube-apiserver needs, generated fresh per server the way
// envtest does: one CA, a serving certificate for 127.0.0.1/localhost, an admin client
// certificate in `system:masters`, and the service-account token signing key pair.
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** Certificates start a minute early for peers whose clocks run behind, and outlive any test. */
const BACKDATE_MS = 60_000;
const LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Paths of the PEM files {@link writeKubePki} wrote (all in the one directory it was given). */
export interface KubePki {
  readonly caCertPath: string;
  readonly servingCertPath: string;
  readonly servingKeyPath: string;
  readonly adminCertPath: string;
  readonly adminKeyPath: string;
  readonly serviceAccountPublicKeyPath: string;
  readonly serviceAccountSigningKeyPath: string;
  readonly caPem: string;
  readonly adminCertPem: string;
  readonly adminKeyPem: string;
}

/** The admin client's identity: `system:masters` is bound to cluster-admin by the API server. */
export const KUBE_ADMIN_USER = 'omega-testkit-admin';

/** A throwaway CA that issues leaf certificates (ECDSA P-256), valid from a minute ago for a week. */
async function testCa(commonName: string) {
  const now = Date.now();
  const validity = {
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + LIFETIME_MS),
  };
  let serial = 1;
  const nextSerial = () => (serial++).toString(16).padStart(2, '0');

  const caKeys = await generate();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${commonName}`,
    keys: caKeys,
    signingAlgorithm: SIGNING,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leaf = async (subject: string, usage: string, extra: x509.Extension[]) => {
    const keys = await generate();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      ...validity,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        await x509.AuthorityKeyIdentifierExtension.create(ca),
        ...extra,
      ],
    });
    return { certPem: cert.toString('pem'), keyPem: await privatePem(keys.privateKey) };
  };
  return { caPem: ca.toString('pem'), leaf };
}

const LOOPBACK_NAMES = new x509.SubjectAlternativeNameExtension([
  { type: 'ip', value: '127.0.0.1' },
  { type: 'dns', value: 'localhost' },
]);

/**
 * Certificates for a webhook kube-apiserver calls (audit, token authentication): a CA of its own,
 * the webhook's serving certificate for 127.0.0.1/localhost and the client certificate
 * kube-apiserver presents to it (CN {@link KUBE_WEBHOOK_CLIENT_NAME}), all signed by that CA.
 */
export interface WebhookPki {
  readonly caPath: string;
  readonly caPem: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** A client certificate the same CA signed for another name (CN=omega-testkit-stranger). */
  readonly strangerCertPem: string;
  readonly strangerKeyPem: string;
}

/** The common name of the client certificate kube-apiserver presents to a test webhook. */
export const KUBE_WEBHOOK_CLIENT_NAME = 'kube-apiserver-webhook-client';

export async function writeWebhookPki(dir: string): Promise<WebhookPki> {
  const { caPem, leaf } = await testCa('omega-testkit-webhook-ca');
  const server = await leaf('CN=omega-webhook', x509.ExtendedKeyUsage.serverAuth, [LOOPBACK_NAMES]);
  const client = await leaf(`CN=${KUBE_WEBHOOK_CLIENT_NAME}`, x509.ExtendedKeyUsage.clientAuth, []);
  const stranger = await leaf('CN=omega-testkit-stranger', x509.ExtendedKeyUsage.clientAuth, []);
  const pki: WebhookPki = {
    caPath: join(dir, 'webhook-ca.crt'),
    caPem,
    serverCertPath: join(dir, 'webhook.crt'),
    serverKeyPath: join(dir, 'webhook.key'),
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    strangerCertPem: stranger.certPem,
    strangerKeyPem: stranger.keyPem,
  };
  const files: [string, string][] = [
    [pki.caPath, caPem],
    [pki.serverCertPath, server.certPem],
    [pki.serverKeyPath, server.keyPem],
  ];
  await Promise.all(files.map(([path, pem]) => writeFile(path, pem, { mode: 0o600 })));
  return pki;
}

export async function writeKubePki(dir: string): Promise<KubePki> {
  const { caPem, leaf } = await testCa('omega-testkit-kube-ca');

  const serving = await leaf('CN=kube-apiserver', x509.ExtendedKeyUsage.serverAuth, [
    new x509.SubjectAlternativeNameExtension([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
      { type: 'dns', value: 'kubernetes.default.svc' },
    ]),
  ]);
  const admin = await leaf(
    `CN=${KUBE_ADMIN_USER}, O=system:masters`,
    x509.ExtendedKeyUsage.clientAuth,
    [],
  );
  // Service-account tokens are signed with a plain key pair, not a certificate.
  const sa = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  const pki: KubePki = {
    caCertPath: join(dir, 'ca.crt'),
    servingCertPath: join(dir, 'apiserver.crt'),
    servingKeyPath: join(dir, 'apiserver.key'),
    adminCertPath: join(dir, 'admin.crt'),
    adminKeyPath: join(dir, 'admin.key'),
    serviceAccountPublicKeyPath: join(dir, 'sa.pub'),
    serviceAccountSigningKeyPath: join(dir, 'sa.key'),
    caPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
  };
  const files: [string, string][] = [
    [pki.caCertPath, pki.caPem],
    [pki.servingCertPath, serving.certPem],
    [pki.servingKeyPath, serving.keyPem],
    [pki.adminCertPath, admin.certPem],
    [pki.adminKeyPath, admin.keyPem],
    [
      pki.serviceAccountPublicKeyPath,
      sa.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    ],
    [
      pki.serviceAccountSigningKeyPath,
      sa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    ],
  ];
  await Promise.all(files.map(([path, pem]) => writeFile(path, pem, { mode: 0o600 })));
  return pki;
}

function generate(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(P256, true, [
    'sign',
    'verify',
  ]) as Promise<webcrypto.CryptoKeyPair>;
}

async function privatePem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}
