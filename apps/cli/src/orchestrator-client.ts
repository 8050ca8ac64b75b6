// The OrchestratorService as promises for the CLI: one client per command run, errors named with
// the address and the gRPC status.
import * as grpc from '@grpc/grpc-js';
import {
  OrchestratorServiceClient,
  type CancelWorkflowRequest,
  type CancelWorkflowResponse,
  type GetWorkflowRequest,
  type GetWorkflowResponse,
  type ListPlaybooksRequest,
  type ListPlaybooksResponse,
  type ListWorkflowsRequest,
  type ListWorkflowsResponse,
  type PutPlaybookRequest,
  type PutPlaybookResponse,
  type SignalWorkflowRequest,
  type SignalWorkflowResponse,
  type ValidatePlaybookRequest,
  type ValidatePlaybookResponse,
  type WatchWorkflowResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';

export const DEFAULT_ORCHESTRATOR = '127.0.0.1:50054';
const TIMEOUT_MS = 15_000;

type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

export class OrchestratorCalls {
  private readonly client: OrchestratorServiceClient;

  constructor(readonly address: string) {
    this.client = new OrchestratorServiceClient(address, grpc.credentials.createInsecure());
  }

  close(): void {
    this.client.close();
  }

  getWorkflow(request: GetWorkflowRequest): Promise<GetWorkflowResponse> {
    return this.unary(this.client.getWorkflow, 'GetWorkflow', request);
  }
  listWorkflows(request: ListWorkflowsRequest): Promise<ListWorkflowsResponse> {
    return this.unary(this.client.listWorkflows, 'ListWorkflows', request);
  }
  signalWorkflow(request: SignalWorkflowRequest): Promise<SignalWorkflowResponse> {
    return this.unary(this.client.signalWorkflow, 'SignalWorkflow', request);
  }
  cancelWorkflow(request: CancelWorkflowRequest): Promise<CancelWorkflowResponse> {
    return this.unary(this.client.cancelWorkflow, 'CancelWorkflow', request);
  }
  listPlaybooks(request: ListPlaybooksRequest): Promise<ListPlaybooksResponse> {
    return this.unary(this.client.listPlaybooks, 'ListPlaybooks', request);
  }
  validatePlaybook(request: ValidatePlaybookRequest): Promise<ValidatePlaybookResponse> {
    return this.unary(this.client.validatePlaybook, 'ValidatePlaybook', request);
  }
  putPlaybook(request: PutPlaybookRequest): Promise<PutPlaybookResponse> {
    return this.unary(this.client.putPlaybook, 'PutPlaybook', request);
  }

  /** Calls `onUpdate` for each update until the workflow closes or the stream fails. */
  watchWorkflow(
    workflowId: string,
    onUpdate: (update: WatchWorkflowResponse) => void,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = this.client.watchWorkflow({ workflowId });
      stream.on('data', onUpdate);
      stream.on('end', resolve);
      stream.on('error', (err: grpc.ServiceError) => reject(this.error('WatchWorkflow', err)));
    });
  }

  private unary<Req, Res>(method: Unary<Req, Res>, name: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(
        this.client,
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + TIMEOUT_MS },
        (err, res) => (err ? reject(this.error(name, err)) : resolve(res)),
      );
    });
  }

  private error(name: string, err: grpc.ServiceError): OmegaError {
    return new OmegaError(
      err.code as number as Code,
      `orchestrator ${name} at ${this.address}: ${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`,
      { cause: err },
    );
  }
}
