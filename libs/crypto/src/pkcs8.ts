// Minimal DER for the PKCS#8 forms node:crypto imports ML-DSA and ML-KEM secret keys from.

/** NIST algorithm identifiers (RFC 9881 for ML-DSA, RFC 9935 for ML-KEM), DER-encoded OID bodies. */
const OIDS = {
  'ml-dsa-44': '608648016503040311', // 2.16.840.1.101.3.4.3.17
  'ml-dsa-65': '608648016503040312', // 2.16.840.1.101.3.4.3.18
  'ml-kem-768': '608648016503040402', // 2.16.840.1.101.3.4.4.2
} as const;

export type Pkcs8Algorithm = keyof typeof OIDS;

/**
 * PKCS#8 `OneAsymmetricKey` holding the `expandedKey` choice of the ML-DSA / ML-KEM private key
 * CHOICE (an OCTET STRING with the FIPS 204 skEncode / FIPS 203 decapsulation key). That is the one
 * form in which OpenSSL takes a key made by liboqs or noble, which keep no seed.
 */
export function expandedKeyPkcs8(algorithm: Pkcs8Algorithm, expandedKey: Uint8Array): Buffer {
  const version = Buffer.from('020100', 'hex');
  const algorithmIdentifier = der(0x30, der(0x06, Buffer.from(OIDS[algorithm], 'hex')));
  const privateKey = der(0x04, der(0x04, expandedKey));
  return der(0x30, Buffer.concat([version, algorithmIdentifier, privateKey]));
}

function der(tag: number, body: Uint8Array): Buffer {
  const length = body.byteLength;
  const header =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : [tag, 0x82, length >> 8, length & 0xff];
  if (length > 0xffff) throw new RangeError(`DER body of ${length} bytes is too long here`);
  return Buffer.concat([Buffer.from(header), body]);
}
