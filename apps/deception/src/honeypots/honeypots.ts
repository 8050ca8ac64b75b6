// The honeypot each decoy kind runs: one factory per protocol, on a library for that protocol.
import { DecoyKind } from '@omega/proto';
import type { HoneypotFactory } from './honeypot';
import { httpHoneypot } from './http-honeypot';
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

/** HONEYPOTS with the SSH decoys' host keys taken from `sshHostKeys` (the service keeps them). */
export function honeypotsWith({
  sshHostKeys,
}: {
  sshHostKeys: SshHostKeySource;
}): ReadonlyMap<DecoyKind, HoneypotFactory> {
  return new Map(HONEYPOTS).set(DecoyKind.DECOY_KIND_SSH, (context, listen) =>
    startSshHoneypot(context, listen, { hostKeys: sshHostKeys }),
  );
}
