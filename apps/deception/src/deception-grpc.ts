// The DeceptionService RPCs built so far: plain async functions of (request, call context); every
// method not here answers UNIMPLEMENTED ("<method> is not built yet") through implementService.
import type { DeceptionServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';

export function deceptionGrpcHandlers(): ServiceHandlers<typeof DeceptionServiceService> {
  return {};
}
