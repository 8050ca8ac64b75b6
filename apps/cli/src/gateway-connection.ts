// How an API command reaches Omega: through the gateway (every service on one port), at --address,
// else OMEGA_ADDRESS, else the current context's address, else the local stack's 127.0.0.1:50051;
// as the operator (the client certificate `omega up` writes to <data-dir>/operator, or a context's
// certDir) or with a bearer token (OMEGA_TOKEN or the context's), which then goes alone.
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import {
  Code,
  OmegaError,
  createPromiseClient,
  errorMessage,
  grpcClientTracingInterceptor,
  type PromiseClient,
} from '@omega/runtime';
import { contextsFile, loadContexts, selectContext, type CliContext } from './cli-contexts';
import {
  DEFAULT_DATA_DIR,
  operatorChannelCredentials,
  readOperatorFiles,
  readOperatorFilesIn,
  type OperatorFiles,
} from './operator-identity';

export const DEFAULT_GATEWAY = '127.0.0.1:50051';
const UNARY_TIMEOUT_MS = 15_000;

/** The connection flags every API command takes. */
export interface ConnectionFlags {
  address?: string | undefined;
  context?: string | undefined;
  dataDir?: string | undefined;
  caFile?: string | undefined;
  token?: string | undefined;
}

export interface GatewayConnection {
  readonly address: string;
  readonly credentials: grpc.ChannelCredentials;
  /** The context it came from, if any. */
  readonly context: CliContext | undefined;
}

/** Resolves address and credentials from the flags, the environment and the contexts file. */
export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConnection> {
  const context = selectContext(await loadContexts(contextsFile(env)), flags.context);
  const address = flags.address || env['OMEGA_ADDRESS'] || context?.address || DEFAULT_GATEWAY;
  const token = flags.token || env['OMEGA_TOKEN'] || context?.token;
  const caFile = flags.caFile || context?.caFile;
  const operator = await operatorFiles(flags, context);
  const caPem = caFile ? await readText(caFile, 'CA file') : operator?.caPem;
  const credentials = channelCredentials({ caPem, operator, token });
  return { address, credentials, context };
}

/**
 * One credential, as the gateway requires: a bearer token (sent as `authorization: Bearer <token>`
 * over TLS trusting `caPem`, else the system roots; grpc-js sends call credentials over TLS
 * only), else the operator's client certificate, else no credential over TLS trusting `caPem`,
 * else plaintext.
 */
export function channelCredentials(options: {
  caPem?: string | undefined;
  operator?: OperatorFiles | undefined;
  token?: string | undefined;
}): grpc.ChannelCredentials {
  const { caPem, operator, token } = options;
  if (token) {
    return grpc.credentials.combineChannelCredentials(
      grpc.credentials.createSsl(caPem ? Buffer.from(caPem) : null),
      grpc.credentials.createFromMetadataGenerator((_params, callback) => {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', `Bearer ${token}`);
        callback(null, metadata);
      }),
    );
  }
  if (operator) {
    return operatorChannelCredentials({ ...operator, caPem: caPem ?? operator.caPem }, 'gateway');
  }
  // The gateway's certificate names the hosts clients dial (identity.serverNames).
  return caPem ? grpc.credentials.createSsl(Buffer.from(caPem)) : grpc.credentials.createInsecure();
}

/** Promise client for `Client`'s service through the gateway; unary calls time out after 15 s. */
export function gatewayClient<D extends grpc.ServiceDefinition>(
  Client: Parameters<typeof createPromiseClient<D>>[0],
  connection: Pick<GatewayConnection, 'address' | 'credentials'>,
): PromiseClient<D> {
  return createPromiseClient(Client, connection.address, {
    credentials: connection.credentials,
    timeoutMs: UNARY_TIMEOUT_MS,
    // Every call carries the run's trace context (cli-tracing.ts) as W3C traceparent.
    channelOptions: { interceptors: [grpcClientTracingInterceptor] },
  });
}

/**
 * The client certificate: the context's certDir when it names one; otherwise the stack's operator
 * credential in --data-dir (default .omega) unless a context without one is in use.
 */
async function operatorFiles(
  flags: ConnectionFlags,
  context: CliContext | undefined,
): Promise<OperatorFiles | undefined> {
  if (context?.certDir && !flags.dataDir) {
    const files = await readOperatorFilesIn(context.certDir);
    if (!files) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `context '${context.name}': certDir ${context.certDir} has no operator-key.pem`,
      );
    }
    return files;
  }
  if (context && !flags.dataDir) return undefined;
  return readOperatorFiles(flags.dataDir ?? DEFAULT_DATA_DIR);
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new OmegaError(Code.FailedPrecondition, `${what} ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
