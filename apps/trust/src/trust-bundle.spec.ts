// The trust bundle lists the root key first, then the log key, and carries the TLS CA as DER.
import { generateHybridSecretKey, loadMlDsaBackend } from '@omega/crypto';
import { trustBundleOf } from './trust-bundle';

describe('trustBundleOf', () => {
  it('puts the root key first, the log key second and the CA certificate in x509 roots', async () => {
    const mlDsa = await loadMlDsaBackend('liboqs');
    const root = generateHybridSecretKey(mlDsa);
    const log = generateHybridSecretKey(mlDsa);
    const der = new Uint8Array([0x30, 0x82, 0x01, 0x00]);
    const bundle = trustBundleOf({
      trustDomain: 'omega.local',
      rootKey: root.publicKey,
      logKey: log.publicKey,
      caCertificateDer: der,
      auditLogOrigin: 'omega.local/audit',
    });
    expect(bundle.rootKeys.map((k) => k.keyId)).toEqual([
      root.publicKey.keyId,
      log.publicKey.keyId,
    ]);
    expect(bundle.x509RootsDer).toEqual([Buffer.from(der)]);
    expect(bundle.auditLogOrigin).toBe('omega.local/audit');
  });
});
