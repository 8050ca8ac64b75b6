// The audit log, verified in the browser (audit-verify.ts).
import type { Session } from './session';

export function AuditPage({ session }: { readonly session: Session }) {
  void session;
  return (
    <section className="page" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="empty">Verification in the browser is not built yet.</p>
    </section>
  );
}
