// The DeceptionService RPCs built so far; every method not here answers UNIMPLEMENTED
// ("<method> is not built yet") through the runtime's unimplementedService.
import type * as grpc from '@grpc/grpc-js';

export function deceptionGrpcHandlers(): grpc.UntypedServiceImplementation {
  return {};
}
