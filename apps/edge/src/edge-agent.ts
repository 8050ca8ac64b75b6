// One host's overlay: its WireGuard device, omni0 and one VXLAN port per peer, built from the
// identity and the configuration; peers come from the configuration, --peer or the nucleus.
import { MlKem768 } from '@omega/crypto';
import type { Logger } from 'pino';
import type { EdgeConfig } from './edge-config';
import type { EdgeIdentity, PublicIdentity } from './edge-identity';
import { formatPublicIdentity } from './edge-identity';
import { overlayAddresses, pairVni, peerLinkName, type OverlayAddresses } from './overlay-address';
import { OverlayBridge } from './overlay-bridge';
import { PskRotator } from './psk-rotator';
import { WireguardDevice } from './wireguard-device';

export interface EdgeAgent {
  self: OverlayAddresses;
  device: WireguardDevice;
  bridge: OverlayBridge;
  psk: PskRotator;
  /** Adds or updates a peer (a new endpoint replaces the old one). */
  setPeer(peer: PublicIdentity, endpoint?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startEdgeAgent(
  config: EdgeConfig,
  identity: EdgeIdentity,
  log: Logger,
  onPskRotated?: () => void,
): Promise<EdgeAgent> {
  const self = overlayAddresses(config.cluster, identity.identityKey);
  const device = await WireguardDevice.create(config.interface);
  const bridge = new OverlayBridge(config.interface, self);
  try {
    await device.configure(identity.wireguardKeyFile, config.port);
    await bridge.up();
  } catch (err) {
    await bridge.down();
    await device.close();
    throw err;
  }
  const psk = new PskRotator({
    kem: await MlKem768.load(),
    signingKey: identity.signingKey,
    self: Buffer.from(identity.identityKey).toString('base64url'),
    selfTransportIpv6: self.transportIpv6,
    rotationMs: config.pskRotationSecs * 1000,
    device,
    log,
    onRotated: onPskRotated,
  });
  await psk.start();
  log.info(
    { wireguard: device.kind, interface: config.interface, port: config.port, ...self },
    'overlay interface up',
  );

  const setPeer = async (peer: PublicIdentity, endpoint?: string): Promise<void> => {
    const addresses = overlayAddresses(config.cluster, peer.identityKey);
    await device.setPeer({
      publicKey: peer.wireguardPublicKey,
      endpoint,
      allowedIps: [`${addresses.transportIpv6}/128`],
    });
    await bridge.addPeer({
      link: peerLinkName(peer.identityKey),
      vni: pairVni(identity.identityKey, peer.identityKey),
      addresses,
    });
    psk.addPeer({
      identity: Buffer.from(peer.identityKey).toString('base64url'),
      transportIpv6: addresses.transportIpv6,
      wireguardPublicKey: peer.wireguardPublicKey,
    });
    log.info({ peer: formatPublicIdentity(peer), endpoint, ...addresses }, 'peer set');
  };

  for (const peer of config.peers) await setPeer(peer.identity, peer.endpoint);

  return {
    self,
    device,
    bridge,
    psk,
    setPeer,
    async close() {
      await psk.close();
      await bridge.down();
      await device.close();
    },
  };
}
