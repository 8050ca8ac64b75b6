// The TwinService RPCs, composed from per-concept handler factories that each read the twin's
// graph through a TwinGraphSource (graph-source.ts): GetGraph, FindAttackPaths here; what-if and
// the RL environment plug in the same way. A method no factory answers is UNIMPLEMENTED ("<method>
// is not built yet") through implementService.
import type { TwinServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import type { TwinGraphSource } from './graph-source';

export type TwinHandlers = ServiceHandlers<typeof TwinServiceService>;

/** Handlers for some TwinService methods, over the twin's graph. */
export type TwinHandlerFactory = (source: TwinGraphSource) => TwinHandlers;

export function twinGrpcHandlers(
  source: TwinGraphSource,
  factories: readonly TwinHandlerFactory[],
): TwinHandlers {
  const handlers: TwinHandlers = {};
  for (const factory of factories) {
    for (const [method, handler] of Object.entries(factory(source))) {
      if (method in handlers)
        throw new Error(`TwinService.${method}: two handler factories answer it`);
      Object.assign(handlers, { [method]: handler });
    }
  }
  return handlers;
}
