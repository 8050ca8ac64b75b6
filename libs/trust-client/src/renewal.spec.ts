import type { Credentials } from './credentials';
import { CredentialRenewal, renewalDelayMs } from './renewal';

function credentials(notBeforeMs: number, notAfterMs: number, serial = 'a'): Credentials {
  return {
    subject: `omega://local/service/x#${serial}`,
    notBeforeMs,
    notAfterMs,
  } as unknown as Credentials;
}

describe('renewal timing', () => {
  it('renews at two thirds of the lifetime', () => {
    expect(renewalDelayMs(credentials(0, 3_600_000), 0)).toBe(2_400_000);
    expect(renewalDelayMs(credentials(0, 3_600_000), 3_000_000)).toBe(0);
  });

  it('the loop renews when due, tells listeners, and retries after a failure', async () => {
    let now = 0;
    const attempts: string[] = [];
    let failOnce = true;
    const renewal = new CredentialRenewal(credentials(0, 90), {
      trustAddress: 'unused',
      clock: () => now,
      renewOnce: async (c) => {
        attempts.push(c.subject);
        if (failOnce) {
          failOnce = false;
          throw new Error('trust unavailable');
        }
        return credentials(now, now + 3_600_000, 'b');
      },
      onError: (err) => errors.push(err.message),
    });
    const errors: string[] = [];
    const renewed = new Promise<Credentials>((resolve) => renewal.onRenewed(resolve));
    now = 60;
    renewal.start();
    const result = await renewed;
    renewal.stop();
    expect(result.subject).toBe('omega://local/service/x#b');
    expect(attempts).toHaveLength(2);
    expect(errors[0]).toMatch(/renewing omega:\/\/local\/service\/x#a .*trust unavailable/);
    expect(renewal.current()).toBe(result);
  });
});
