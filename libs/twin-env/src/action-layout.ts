// The flat action space: index 0 is NOOP, then for each of ISOLATE, RESTORE, DEPLOY_DECOY and
// ROTATE_SECRET one index per node (EnvSpec.node_ids order), then BLOCK_EDGE one per edge (the
// order of ResetEnv's info["edge_ids"]). EnvSpec.action_kinds lists the kinds in this order, so a
// client rebuilds the layout from the spec and the edge count.
import { Code, OmegaError } from '@omega/errors';
import { DefenderActionKind, type DefenderAction } from '@omega/proto';
import { clip } from './clip';
import type { World } from './world';

const NODE_KINDS = [
  DefenderActionKind.DEFENDER_ACTION_KIND_ISOLATE,
  DefenderActionKind.DEFENDER_ACTION_KIND_RESTORE,
  DefenderActionKind.DEFENDER_ACTION_KIND_DEPLOY_DECOY,
  DefenderActionKind.DEFENDER_ACTION_KIND_ROTATE_SECRET,
] as const;

export interface LaidOutAction {
  readonly kind: DefenderActionKind;
  /** Node index, or -1. */
  readonly node: number;
  /** Edge index, or -1. */
  readonly edge: number;
}

export class ActionLayout {
  readonly kinds: readonly DefenderActionKind[] = [
    DefenderActionKind.DEFENDER_ACTION_KIND_NOOP,
    ...NODE_KINDS,
    DefenderActionKind.DEFENDER_ACTION_KIND_BLOCK_EDGE,
  ];
  readonly size: number;
  private readonly nodeIndex: Map<string, number>;
  private readonly edgeIndex: Map<string, number>;

  constructor(private readonly world: World) {
    this.size = 1 + NODE_KINDS.length * world.nodes.length + world.edges.length;
    this.nodeIndex = new Map(world.nodes.map((n, i) => [n.id, i]));
    this.edgeIndex = new Map(world.edges.map((e, i) => [e.id, i]));
  }

  at(index: number): LaidOutAction | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) return undefined;
    if (index === 0)
      return { kind: DefenderActionKind.DEFENDER_ACTION_KIND_NOOP, node: -1, edge: -1 };
    const n = this.world.nodes.length;
    const rest = index - 1;
    if (rest < NODE_KINDS.length * n)
      return { kind: NODE_KINDS[Math.floor(rest / n)]!, node: rest % n, edge: -1 };
    return {
      kind: DefenderActionKind.DEFENDER_ACTION_KIND_BLOCK_EDGE,
      node: -1,
      edge: rest - NODE_KINDS.length * n,
    };
  }

  /** The proto action at an index. */
  action(index: number): DefenderAction {
    const a = this.at(index);
    if (a === undefined)
      throw new OmegaError(
        Code.InvalidArgument,
        `action index ${index} is outside 0..${this.size - 1}`,
      );
    return {
      kind: a.kind,
      targetNodeId: a.node >= 0 ? this.world.nodes[a.node]!.id : '',
      edgeId: a.edge >= 0 ? this.world.edges[a.edge]!.id : '',
    };
  }

  /** The index of a proto action; an unknown kind, node or edge is refused by name. */
  indexOf(action: DefenderAction): number {
    const kind = action.kind;
    if (kind === DefenderActionKind.DEFENDER_ACTION_KIND_NOOP) return 0;
    if (kind === DefenderActionKind.DEFENDER_ACTION_KIND_BLOCK_EDGE) {
      const e = this.edgeIndex.get(action.edgeId);
      if (e === undefined)
        throw new OmegaError(
          Code.InvalidArgument,
          `action.edge_id: no edge '${clip(action.edgeId)}' on this board`,
        );
      return 1 + NODE_KINDS.length * this.world.nodes.length + e;
    }
    const k = (NODE_KINDS as readonly DefenderActionKind[]).indexOf(kind);
    if (k < 0)
      throw new OmegaError(
        Code.InvalidArgument,
        `action.kind: ${DefenderActionKind[kind] ?? kind} is not a defender action`,
      );
    const n = this.nodeIndex.get(action.targetNodeId);
    if (n === undefined)
      throw new OmegaError(
        Code.InvalidArgument,
        `action.target_node_id: no node '${clip(action.targetNodeId)}' on this board`,
      );
    return 1 + k * this.world.nodes.length + n;
  }

  /** "ISOLATE pod/shop/web" for messages. */
  describe(index: number): string {
    const a = this.action(index);
    const name = (DefenderActionKind[a.kind] ?? String(a.kind)).replace(
      'DEFENDER_ACTION_KIND_',
      '',
    );
    return [name, a.targetNodeId || a.edgeId].filter((s) => s !== '').join(' ');
  }
}
