// The SSH honeypot's fake shell: plausible answers to the commands intruders try first (pure: no
// I/O, no clock), so a session looks like an Ubuntu host named after the persona.

export interface ShellIdentity {
  readonly username: string;
  readonly hostname: string;
}

export interface ShellAnswer {
  /** What the command prints (\n line ends; the caller turns them into \r\n on a pty). */
  readonly output: string;
  readonly exitCode: number;
  /** The command ends the session (exit, logout). */
  readonly exit?: boolean;
}

const KERNEL = '5.15.0-105-generic';
const KERNEL_BUILD = '#115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024';

export function homeOf(username: string): string {
  return username === 'root' ? '/root' : `/home/${username}`;
}

/** The prompt bash shows with Ubuntu's default PS1. */
export function promptOf({ username, hostname }: ShellIdentity): string {
  return `${username}@${hostname}:~${username === 'root' ? '#' : '$'} `;
}

/** What sshd and pam_motd print when an interactive session starts. */
export function motdOf(): string {
  return [
    `Welcome to Ubuntu 22.04.4 LTS (GNU/Linux ${KERNEL} x86_64)`,
    '',
    ' * Documentation:  https://help.ubuntu.com',
    ' * Management:     https://landscape.canonical.com',
    ' * Support:        https://ubuntu.com/pro',
    '',
    'Expanded Security Maintenance for Applications is not enabled.',
    '',
    '0 updates can be applied immediately.',
    '',
    '',
  ].join('\n');
}

function idOf(username: string): string {
  if (username === 'root') return 'uid=0(root) gid=0(root) groups=0(root)';
  return `uid=1000(${username}) gid=1000(${username}) groups=1000(${username}),4(adm),24(cdrom),27(sudo),30(dip),46(plugdev),110(lxd)`;
}

function passwdOf(username: string): string {
  const lines = [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
    'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
    'sync:x:4:65534:sync:/bin:/bin/sync',
    'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'systemd-network:x:100:102:systemd Network Management,,,:/run/systemd:/usr/sbin/nologin',
    'messagebus:x:103:104::/nonexistent:/usr/sbin/nologin',
    'syslog:x:104:110::/home/syslog:/usr/sbin/nologin',
    'sshd:x:106:65534::/run/sshd:/usr/sbin/nologin',
  ];
  if (username !== 'root')
    lines.push(`${username}:x:1000:1000:${username}:/home/${username}:/bin/bash`);
  return `${lines.join('\n')}\n`;
}

const OS_RELEASE = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
UBUNTU_CODENAME=jammy
`;

function psOf(username: string, full: boolean): string {
  if (!full) {
    return `    PID TTY          TIME CMD\n   1873 pts/0    00:00:00 bash\n   1921 pts/0    00:00:00 ps\n`;
  }
  return [
    'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
    'root           1  0.0  0.2 167748 11468 ?        Ss   Apr22   0:41 /sbin/init',
    'root         412  0.0  0.3  47520 15104 ?        S<s  Apr22   0:09 /lib/systemd/systemd-journald',
    'systemd+     603  0.0  0.1  16120  7936 ?        Ss   Apr22   0:02 /lib/systemd/systemd-networkd',
    'root         690  0.0  0.0   6896  2944 ?        Ss   Apr22   0:01 /usr/sbin/cron -f -P',
    'syslog       694  0.0  0.1 222404  5248 ?        Ssl  Apr22   0:03 /usr/sbin/rsyslogd -n -iNONE',
    'root         781  0.0  0.1  15432  9088 ?        Ss   Apr22   0:00 sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
    `${username.padEnd(8).slice(0, 8)}    1873  0.0  0.1   8996  5376 pts/0    Ss   10:14   0:00 -bash`,
    `${username.padEnd(8).slice(0, 8)}    1921  0.0  0.0  10072  3328 pts/0    R+   10:15   0:00 ps aux`,
    '',
  ].join('\n');
}

function lsOf(username: string, args: string[]): string {
  const long = args.some((arg) => arg.startsWith('-') && arg.includes('l'));
  const all = args.some((arg) => arg.startsWith('-') && arg.includes('a'));
  const names = all
    ? ['.', '..', '.bash_history', '.bash_logout', '.bashrc', '.cache', '.profile', '.ssh']
    : [];
  if (!long) return all ? `${names.join('  ')}\n` : '';
  const owner = `${username} ${username}`;
  const rows = [
    `drwxr-x--- 4 ${owner} 4096 Apr 22 10:14 .`,
    'drwxr-xr-x 3 root root 4096 Feb 16 09:02 ..',
    `-rw------- 1 ${owner}  912 Apr 22 10:14 .bash_history`,
    `-rw-r--r-- 1 ${owner}  220 Feb 16 09:02 .bash_logout`,
    `-rw-r--r-- 1 ${owner} 3771 Feb 16 09:02 .bashrc`,
    `drwx------ 2 ${owner} 4096 Feb 16 09:05 .cache`,
    `-rw-r--r-- 1 ${owner}  807 Feb 16 09:02 .profile`,
    `drwx------ 2 ${owner} 4096 Feb 16 09:05 .ssh`,
  ];
  return `total 28\n${(all ? rows : []).join('\n')}${all ? '\n' : ''}`;
}

function unameOf(hostname: string, args: string[]): string {
  const flags = args.join('');
  if (flags.includes('a')) {
    return `Linux ${hostname} ${KERNEL} ${KERNEL_BUILD} x86_64 x86_64 x86_64 GNU/Linux\n`;
  }
  const parts: string[] = [];
  if (flags === '' || flags.includes('s')) parts.push('Linux');
  if (flags.includes('n')) parts.push(hostname);
  if (flags.includes('r')) parts.push(KERNEL);
  if (flags.includes('m')) parts.push('x86_64');
  return `${parts.join(' ')}\n`;
}

function catOf(identity: ShellIdentity, files: string[]): ShellAnswer {
  let output = '';
  let exitCode = 0;
  for (const file of files) {
    if (file === '/etc/passwd') output += passwdOf(identity.username);
    else if (file === '/etc/hostname') output += `${identity.hostname}\n`;
    else if (file === '/etc/os-release') output += OS_RELEASE;
    else if (file === '/proc/version') {
      output += `Linux version ${KERNEL} (buildd@lcy02-amd64-050) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) ${KERNEL_BUILD}\n`;
    } else if (file === '/etc/shadow') {
      output += 'cat: /etc/shadow: Permission denied\n';
      exitCode = 1;
    } else {
      output += `cat: ${file}: No such file or directory\n`;
      exitCode = 1;
    }
  }
  return { output, exitCode };
}

/** Answers one simple command (no pipes or redirections: they are read as plain words). */
export function answerCommand(identity: ShellIdentity, commandLine: string): ShellAnswer {
  const [command, ...args] = commandLine.trim().split(/\s+/).filter(Boolean);
  if (command === undefined) return { output: '', exitCode: 0 };
  switch (command) {
    case 'whoami':
      return { output: `${identity.username}\n`, exitCode: 0 };
    case 'id':
      return { output: `${idOf(identity.username)}\n`, exitCode: 0 };
    case 'uname':
      return { output: unameOf(identity.hostname, args), exitCode: 0 };
    case 'hostname':
      return { output: `${identity.hostname}\n`, exitCode: 0 };
    case 'pwd':
      return { output: `${homeOf(identity.username)}\n`, exitCode: 0 };
    case 'ls':
      return { output: lsOf(identity.username, args), exitCode: 0 };
    case 'cat':
      return catOf(identity, args);
    case 'ps':
      return { output: psOf(identity.username, args.length > 0), exitCode: 0 };
    case 'echo':
      return { output: `${args.join(' ')}\n`, exitCode: 0 };
    case 'uptime':
      return {
        output: ' 10:15:02 up 15 days, 2:41,  1 user,  load average: 0.08, 0.03, 0.01\n',
        exitCode: 0,
      };
    case 'cd':
    case 'true':
    case 'export':
    case 'history':
      return { output: '', exitCode: 0 };
    case 'exit':
    case 'logout':
      return { output: '', exitCode: 0, exit: true };
    default:
      return { output: `bash: ${command}: command not found\n`, exitCode: 127 };
  }
}

/** Answers a command line of simple commands joined by ;, && or || (in order, like bash). */
export function answerCommandLine(identity: ShellIdentity, line: string): ShellAnswer {
  let output = '';
  let exitCode = 0;
  const parts = line.split(/(;|&&|\|\||\n)/);
  for (let i = 0; i < parts.length; i += 2) {
    // A skipped command leaves the status as it was, as in bash: `false && a || b` runs b.
    const separator = i > 0 ? parts[i - 1] : ';';
    if (separator === '&&' && exitCode !== 0) continue;
    if (separator === '||' && exitCode === 0) continue;
    const answer = answerCommand(identity, parts[i] ?? '');
    output += answer.output;
    exitCode = answer.exitCode;
    if (answer.exit) return { output, exitCode, exit: true };
  }
  return { output, exitCode };
}
