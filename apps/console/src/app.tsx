// The console's frame: log in, then the pages; an expired or revoked token returns to the login
// page saying so.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AlertsPage } from './alerts-page';
import { AuditPage } from './audit-page';
import { IncidentsPage } from './incidents-page';
import { Login } from './login';
import { expiresInMs, logIn, tokenStore, type Session } from './session';
import { WorkflowsPage } from './workflows-page';

// The graph library is loaded only when the graph page opens: the first load stays small.
const AttackGraphPage = lazy(() =>
  import('./attack-graph-page').then((m) => ({ default: m.AttackGraphPage })),
);

const PAGES = ['alerts', 'incidents', 'workflows', 'graph', 'audit'] as const;
type Page = (typeof PAGES)[number];
const TITLES: Record<Page, string> = {
  alerts: 'Alerts',
  incidents: 'Incidents',
  workflows: 'Workflows',
  graph: 'Attack graph',
  audit: 'Audit log',
};

function pageOfHash(): Page {
  const wanted = window.location.hash.replace('#/', '');
  return (PAGES as readonly string[]).includes(wanted) ? (wanted as Page) : 'alerts';
}

function useTheme(): [string, () => void] {
  const [theme, setTheme] = useState(
    () =>
      localStorage.getItem('omega.console.theme') ??
      (window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'),
  );
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    localStorage.setItem('omega.console.theme', theme);
  }, [theme]);
  return [theme, () => setTheme(theme === 'dark' ? 'light' : 'dark')];
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [restoring, setRestoring] = useState(tokenStore.load() !== undefined);
  const [page, setPage] = useState<Page>(pageOfHash);
  const [theme, toggleTheme] = useTheme();

  const logOut = useCallback((why: string | undefined) => {
    tokenStore.clear();
    setSession(undefined);
    setNotice(why);
  }, []);

  useEffect(() => {
    const saved = tokenStore.load();
    if (saved === undefined) return;
    logIn(saved)
      .then(setSession)
      .catch(() => logOut('Your saved token is no longer accepted: log in again.'))
      .finally(() => setRestoring(false));
  }, [logOut]);

  useEffect(() => {
    const onHash = () => setPage(pageOfHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Back to the login page the moment the token expires.
  useEffect(() => {
    if (session === undefined) return;
    const left = expiresInMs(session.principal, Date.now());
    if (left === undefined) return;
    const timer = setTimeout(
      () => logOut('Your token expired: log in with a new one.'),
      Math.max(0, Math.min(left, 2 ** 31 - 1)),
    );
    return () => clearTimeout(timer);
  }, [session, logOut]);

  const onUnauthenticated = useCallback((why: string) => logOut(why), [logOut]);

  if (restoring)
    return (
      <p className="status" role="status">
        Checking your token…
      </p>
    );
  if (session === undefined) {
    return (
      <Login
        notice={notice}
        onSession={(s, token) => {
          tokenStore.save(token);
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }
  return (
    <div className="shell">
      <header>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <span className="brand">Omega</span>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
              {TITLES[p]}
            </a>
          ))}
        </nav>
        <span className="who" data-testid="who">
          {session.principal.id}{' '}
          <span className="roles">({(session.principal.roles ?? []).join(', ') || 'no role'})</span>
        </span>
        <button
          type="button"
          onClick={toggleTheme}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
        <button type="button" onClick={() => logOut(undefined)}>
          Log out
        </button>
      </header>
      <main id="main">
        {page === 'alerts' && (
          <AlertsPage session={session} onUnauthenticated={onUnauthenticated} />
        )}
        {page === 'incidents' && <IncidentsPage session={session} />}
        {page === 'workflows' && <WorkflowsPage session={session} />}
        {page === 'graph' && (
          <Suspense fallback={<p className="status">Loading the graph page…</p>}>
            <AttackGraphPage session={session} />
          </Suspense>
        )}
        {page === 'audit' && <AuditPage session={session} />}
      </main>
    </div>
  );
}
