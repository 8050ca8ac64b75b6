// Test-only: Debian's OpenSSH client (ssh through sshpass, ssh-keyscan) pointed at a local honeypot.
import { runClient, type ClientRun } from './client-process';

/** No user config, no known_hosts: each run meets the honeypot as a first-time client. */
export const SSH_CLIENT_OPTIONS: readonly string[] = [
  '-F',
  '/dev/null',
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'LogLevel=ERROR',
  '-o',
  'ConnectTimeout=10',
];

export interface SshRun {
  /** More ssh options (-T, -tt, -o ...), before the destination. */
  readonly options?: readonly string[];
  /** The remote command; none opens a shell. */
  readonly command?: string;
  /** What ssh reads on stdin. */
  readonly input?: string;
}

/** `ssh user@127.0.0.1` on port with password authentication only, sshpass typing the password. */
export function sshWithPassword(
  port: number,
  user: string,
  password: string,
  run: SshRun = {},
): Promise<ClientRun> {
  return runClient(
    'sshpass',
    [
      '-p',
      password,
      'ssh',
      ...SSH_CLIENT_OPTIONS,
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'NumberOfPasswordPrompts=1',
      ...(run.options ?? []),
      '-p',
      String(port),
      `${user}@127.0.0.1`,
      ...(run.command === undefined ? [] : [run.command]),
    ],
    { input: run.input },
  );
}

/** The honeypot's ed25519 host key line (stdout) and its banner (stderr, as a comment). */
export function keyscan(port: number): Promise<ClientRun> {
  return runClient('ssh-keyscan', ['-t', 'ed25519', '-p', String(port), '127.0.0.1']);
}
