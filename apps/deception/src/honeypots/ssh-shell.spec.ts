// The fake shell's answers, as bash on Ubuntu 22.04 gives them.
import { answerCommandLine, promptOf } from './ssh-shell';

const user = { username: 'deploy', hostname: 'db-backup-02' };
const root = { username: 'root', hostname: 'db-backup-02' };

describe('ssh shell', () => {
  it('answers who the user is, with a normal user in the sudo group and root as uid 0', () => {
    expect(answerCommandLine(user, 'whoami').output).toBe('deploy\n');
    expect(answerCommandLine(user, 'id').output).toMatch(
      /^uid=1000\(deploy\) gid=1000\(deploy\) groups=.*27\(sudo\)/,
    );
    expect(answerCommandLine(root, 'id').output).toBe('uid=0(root) gid=0(root) groups=0(root)\n');
    expect(answerCommandLine(root, 'pwd').output).toBe('/root\n');
    expect(promptOf(root)).toBe('root@db-backup-02:~# ');
    expect(promptOf(user)).toBe('deploy@db-backup-02:~$ ');
  });

  it('answers uname with the flags asked for', () => {
    expect(answerCommandLine(user, 'uname').output).toBe('Linux\n');
    expect(answerCommandLine(user, 'uname -r').output).toBe('5.15.0-105-generic\n');
    expect(answerCommandLine(user, 'uname -n -m').output).toBe('db-backup-02 x86_64\n');
  });

  it('lists the user in /etc/passwd and refuses /etc/shadow to a normal user', () => {
    expect(answerCommandLine(user, 'cat /etc/passwd').output).toContain(
      'deploy:x:1000:1000:deploy:/home/deploy:/bin/bash\n',
    );
    expect(answerCommandLine(user, 'cat /etc/shadow')).toEqual({
      output: 'cat: /etc/shadow: Permission denied\n',
      exitCode: 1,
    });
  });

  it('runs ; && || lists like bash, a skipped command leaving the status as it was', () => {
    expect(answerCommandLine(user, 'whoami; hostname').output).toBe('deploy\ndb-backup-02\n');
    expect(answerCommandLine(user, 'nope && whoami || hostname')).toEqual({
      output: 'bash: nope: command not found\ndb-backup-02\n',
      exitCode: 0,
    });
    expect(answerCommandLine(user, 'whoami || hostname').output).toBe('deploy\n');
  });

  it('answers an unknown command "command not found" with status 127, and exit ends the session', () => {
    expect(answerCommandLine(user, 'curl -O http://x/y.sh')).toEqual({
      output: 'bash: curl: command not found\n',
      exitCode: 127,
    });
    expect(answerCommandLine(user, 'exit').exit).toBe(true);
    expect(answerCommandLine(user, '   ')).toEqual({ output: '', exitCode: 0 });
  });
});
