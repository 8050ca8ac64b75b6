// Log in with a token made by `omega tokens create`; the gateway's refusal is shown in plain words.
import { useState, type FormEvent } from 'react';
import { plainWords } from './gateway-client';
import { logIn, type Session } from './session';

export function Login({
  onSession,
  notice,
}: {
  readonly onSession: (session: Session, token: string) => void;
  readonly notice: string | undefined;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSession(await logIn(token), token.trim());
    } catch (e) {
      setError(e instanceof Error && !('code' in e) ? e.message : plainWords(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <h1>Omega console</h1>
      {notice !== undefined && (
        <p className="status warn" role="alert">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          placeholder="omegat_…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
      {error !== undefined && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
      <p className="muted">
        Make a token with <code>omega tokens create --role viewer</code> (or responder to approve
        workflows). It is kept for this tab only.
      </p>
    </main>
  );
}
