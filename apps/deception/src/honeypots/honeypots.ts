// The honeypot each decoy kind runs: one factory per protocol, on a library for that protocol.
import { DecoyKind } from '@omega/proto';
import type { HoneypotFactory } from './honeypot';
import { httpHoneypot, startHttpHoneypot } from './http-honeypot';
import type { TlsCertificateSource } from './http-tls';
import { mysqlHoneypot } from './mysql-honeypot';
import { postgresHoneypot } from './postgres-honeypot';
import { redisHoneypot } from './redis-honeypot';
import { sshHoneypot, startSshHoneypot, type SshHostKeySource } from './ssh-honeypot';
import { tcpBannerHoneypot } from './tcp-banner-honeypot';

export const HONEYPOTS: ReadonlyMap<DecoyKind, HoneypotFactory> = new Map([
  [DecoyKind.DECOY_KIND_SSH, sshHoneypot],
  [DecoyKind.DECOY_KIND_HTTP, httpHoneypot],
  [DecoyKind.DECOY_KIND_REDIS, redisHoneypot],
  [DecoyKind.DECOY_KIND_POSTGRES, postgresHoneypot],
  [DecoyKind.DECOY_KIND_MYSQL, mysqlHoneypot],
  [DecoyKind.DECOY_KIND_TCP_BANNER, tcpBannerHoneypot],
]);

/**
 * HONEYPOTS with the SSH decoys' host keys and the HTTPS decoys' certificates taken from the
 * service's stores (omega_decoys), so both outlive the process.
 */
export function honeypotsWith({
  sshHostKeys,
  tlsCertificates,
}: {
  sshHostKeys: SshHostKeySource;
  tlsCertificates: TlsCertificateSource;
}): ReadonlyMap<DecoyKind, HoneypotFactory> {
  return new Map(HONEYPOTS)
    .set(DecoyKind.DECOY_KIND_SSH, (context, listen) =>
      startSshHoneypot(context, listen, { hostKeys: sshHostKeys }),
    )
    .set(DecoyKind.DECOY_KIND_HTTP, (context, listen) =>
      startHttpHoneypot(context, listen, { certificates: tlsCertificates }),
    );
}
