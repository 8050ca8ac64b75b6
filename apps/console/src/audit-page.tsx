// The audit log, verified in the browser (audit-verify.ts): the checkpoint's signatures and the
// newest entries' inclusion proofs, or the reason it was rejected.
import { useEffect, useState } from 'react';
import { plainWords } from './gateway-client';
import { verifyAuditLog, type Verification } from './audit-verify';
import type { Session } from './session';
import { Time } from './time';

type State =
  | { readonly kind: 'verifying' }
  | { readonly kind: 'verified'; readonly result: Verification }
  | { readonly kind: 'rejected'; readonly why: string };

export function AuditPage({ session }: { readonly session: Session }) {
  const [state, setState] = useState<State>({ kind: 'verifying' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setState({ kind: 'verifying' });
    verifyAuditLog(session.gateway, abort.signal)
      .then((result) => setState({ kind: 'verified', result }))
      .catch((e: unknown) => {
        if (!abort.signal.aborted) {
          setState({
            kind: 'rejected',
            why: e instanceof Error && !('code' in e) ? e.message : plainWords(e),
          });
        }
      });
    return () => abort.abort();
  }, [session, round]);

  return (
    <section className="page" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <button
        type="button"
        onClick={() => setRound(round + 1)}
        disabled={state.kind === 'verifying'}
      >
        Verify again
      </button>
      {state.kind === 'verifying' && (
        <p className="status" role="status">
          Verifying the checkpoint and proofs in your browser…
        </p>
      )}
      {state.kind === 'rejected' && (
        <p className="status error" role="alert" data-testid="audit-verdict">
          Rejected: {state.why}
        </p>
      )}
      {state.kind === 'verified' && (
        <>
          <p className="status live" role="status" data-testid="audit-verdict">
            <span className="verified">✔ Verified in your browser:</span> checkpoint of{' '}
            {state.result.treeSize} entries signed with Ed25519 and ML-DSA-65 by trust's root key{' '}
            <code>{state.result.keyId.slice(0, 16)}…</code>; {state.result.entries.length} newest
            entries proven included.
          </p>
          <p className="muted">
            Log <code>{state.result.origin}</code>, root <code>{state.result.rootHex}</code>
          </p>
          {state.result.entries.length === 0 ? (
            <p className="empty">The log is empty: entries appear as Omega acts.</p>
          ) : (
            <table className="list" tabIndex={0} aria-label="Newest audit entries">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Summary</th>
                  <th scope="col">Inclusion</th>
                </tr>
              </thead>
              <tbody>
                {[...state.result.entries].reverse().map((e) => (
                  <tr key={e.index}>
                    <td>{e.index}</td>
                    <td>
                      <Time ns={e.timeNs} />
                    </td>
                    <td>{e.kind}</td>
                    <td>{e.summary}</td>
                    <td className="verified">proven</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
