// Public entry of @omega/proxy-protocol: PROXY protocol version 2 headers, encoded and decoded.
export {
  PP2_TYPE_MAX_CUSTOM,
  PP2_TYPE_MIN_CUSTOM,
  PROXY_V2_FIXED_BYTES,
  PROXY_V2_SIGNATURE,
  decodeProxyV2,
  encodeProxyV2,
  formatIp,
  ipBytes,
  type ProxyCommand,
  type ProxyEndpoint,
  type ProxyFamily,
  type ProxyHeaderV2,
  type ProxyTlv,
  type ProxyTransport,
  type ProxyV2Decoded,
} from './proxy-v2';
