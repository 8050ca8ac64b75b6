// The twin's graph (TwinService/GetGraph) drawn with Cytoscape.js, and the top attack paths
// (FindAttackPaths): the chosen path's nodes and edges highlighted, every path listed with its
// risk and ATT&CK techniques.
import { useEffect, useRef, useState } from 'react';
import cytoscape from 'cytoscape';
import { plainWords } from './gateway-client';
import type { Session } from './session';

interface GraphNode {
  readonly id: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}
interface GraphEdge {
  readonly id?: string;
  readonly fromNodeId?: string;
  readonly toNodeId?: string;
  readonly kind?: string;
}
interface AttackPath {
  readonly nodeIds?: readonly string[];
  readonly edges?: readonly GraphEdge[];
  readonly risk?: number;
  readonly attackTechniqueIds?: readonly string[];
}
interface Loaded {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly paths: readonly AttackPath[];
}

/**
 * Cytoscape adds an inline <style> (`position: relative` for its container) unless an element
 * with this id exists; the CSP forbids inline styles, so the rule is in styles.css and this
 * marker stands in for the stylesheet.
 */
function markCytoscapeStylesheet(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id) !== null) return;
  const marker = document.createElement('meta');
  marker.id = id;
  marker.name = 'cytoscape-stylesheet';
  marker.content = 'in styles.css';
  document.head.append(marker);
}

/** The top paths asked for and drawn. */
const TOP_PATHS = 5;
const short = (kind: string | undefined, prefix: string) =>
  (kind ?? '').replace(prefix, '').toLowerCase();

export function AttackGraphPage({ session }: { readonly session: Session }) {
  const [loaded, setLoaded] = useState<Loaded | string | undefined>(undefined);
  const [chosen, setChosen] = useState(0);
  const canvas = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    Promise.all([
      session.gateway.call<{ graph?: { nodes?: GraphNode[]; edges?: GraphEdge[] } }>(
        'TwinService/GetGraph',
        {},
        abort.signal,
      ),
      session.gateway.call<{ paths?: AttackPath[] }>(
        'TwinService/FindAttackPaths',
        { query: { maxPaths: TOP_PATHS } },
        abort.signal,
      ),
    ])
      .then(([graph, found]) =>
        setLoaded({
          nodes: graph.graph?.nodes ?? [],
          edges: graph.graph?.edges ?? [],
          paths: found.paths ?? [],
        }),
      )
      .catch((e: unknown) => abort.signal.aborted || setLoaded(plainWords(e)));
    return () => abort.abort();
  }, [session]);

  useEffect(() => {
    if (canvas.current === null || loaded === undefined || typeof loaded === 'string') return;
    if (loaded.nodes.length === 0) return;
    const path = loaded.paths[chosen];
    const onPath = new Set(path?.nodeIds ?? []);
    const pathEdges = new Set(
      (path?.edges ?? []).map((e) => `${e.fromNodeId ?? ''}>${e.toNodeId ?? ''}`),
    );
    const ids = new Set(loaded.nodes.map((n) => n.id));
    markCytoscapeStylesheet();
    const cy = cytoscape({
      container: canvas.current,
      elements: [
        ...loaded.nodes.map((n) => ({
          data: { id: n.id, label: n.name ?? n.id, kind: short(n.kind, 'GRAPH_NODE_KIND_') },
          classes: onPath.has(n.id) ? 'path' : '',
        })),
        ...loaded.edges
          .filter((e) => ids.has(e.fromNodeId ?? '') && ids.has(e.toNodeId ?? ''))
          .map((e, i) => ({
            data: { id: `e${i}`, source: e.fromNodeId ?? '', target: e.toNodeId ?? '' },
            classes: pathEdges.has(`${e.fromNodeId ?? ''}>${e.toNodeId ?? ''}`) ? 'path' : '',
          })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 9,
            'background-color': '#6c8ebf',
            color: '#888',
          },
        },
        { selector: 'edge', style: { width: 1, 'line-color': '#999', 'curve-style': 'bezier' } },
        { selector: 'node.path', style: { 'background-color': '#e5534b', width: 26, height: 26 } },
        {
          selector: 'edge.path',
          style: {
            width: 3,
            'line-color': '#e5534b',
            'target-arrow-color': '#e5534b',
            'target-arrow-shape': 'triangle',
          },
        },
      ],
      layout: { name: 'cose', animate: false },
      maxZoom: 2,
    });
    return () => cy.destroy();
  }, [loaded, chosen]);

  return (
    <section className="page" aria-labelledby="graph-title">
      <h1 id="graph-title">Attack graph</h1>
      {loaded === undefined ? (
        <p className="status" role="status">
          Loading the twin's graph and attack paths…
        </p>
      ) : typeof loaded === 'string' ? (
        <p className="status error" role="alert">
          {loaded}
        </p>
      ) : loaded.nodes.length === 0 ? (
        <p className="empty">
          The twin has no graph yet: it builds one from the cluster's workloads and observed flows
          (run Omega in Kubernetes, or the demo).
        </p>
      ) : (
        <div className="split">
          <div
            className="graph"
            ref={canvas}
            role="img"
            aria-label={`Graph of ${loaded.nodes.length} nodes; the chosen attack path in red`}
          />
          <div className="detail" tabIndex={0} role="region" aria-label="Attack paths">
            <h2>Top attack paths</h2>
            {loaded.paths.length === 0 ? (
              <p className="empty">No attack path reaches a secret or a node from outside.</p>
            ) : (
              <ol>
                {loaded.paths.map((p, i) => (
                  <li key={i}>
                    <button
                      type="button"
                      className="link"
                      aria-pressed={i === chosen}
                      onClick={() => setChosen(i)}
                    >
                      risk {(p.risk ?? 0).toFixed(2)}: {(p.nodeIds ?? []).join(' → ')}
                    </button>{' '}
                    <span className="muted">{(p.attackTechniqueIds ?? []).join(' ')}</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
