// The operator's identity on a local stack (`operator/cli`): `omega up` enrolls it with the join
// token trust minted for it, keeps it renewed while the stack runs, and writes it under the data
// directory (`<data-dir>/operator/`, key mode 0600) so that `omega alerts`, `omega workflows`,
// `omega audit` and the demo call the services over mutual TLS and read the bus as an operator.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { identityNatsOptions, type IdentityConnectionOptions } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import {
  CredentialRenewal,
  bootstrapChannelCredentials,
  channelCredentials,
  checkPeerSubject,
  enroll,
  joinTokenFromFile,
  renew,
  type Credentials,
} from '@omega/trust-client';

export const OPERATOR = { kind: 'operator', name: 'cli' } as const;

/** The operator's credential as files: what every CLI command loads. */
export interface OperatorFiles {
  readonly caPem: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export function operatorDir(dataDir: string): string {
  return join(dataDir, 'operator');
}

/** Enrolls `operator/cli`, writes its files and renews them until stop(). */
export async function enrollOperator(options: {
  dataDir: string;
  joinTokensFile: string;
  trustAddress: string;
  caPem: string;
  onError: (message: string) => void;
}): Promise<{ stop(): void; files(): Promise<OperatorFiles> }> {
  const token = joinTokenFromFile(
    await readFile(options.joinTokensFile, 'utf8'),
    OPERATOR.kind,
    OPERATOR.name,
  );
  if (token === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${options.joinTokensFile} has no join token for ${OPERATOR.kind}/${OPERATOR.name}`,
    );
  }
  const credentials = await enroll({
    trustAddress: options.trustAddress,
    subjectKind: OPERATOR.kind,
    name: OPERATOR.name,
    joinToken: token,
    channelCredentials: bootstrapChannelCredentials(options.caPem),
  });
  await writeOperatorFiles(options.dataDir, credentials);
  const trustSubject = credentials.subject.replace(/\/operator\/cli$/, '/service/trust');
  const renewal = new CredentialRenewal(credentials, {
    trustAddress: options.trustAddress,
    onError: (err) => options.onError(err.message),
    renewOnce: (current) =>
      renew(current, {
        trustAddress: options.trustAddress,
        channelCredentials: channelCredentials(current, { expectedServerSubject: trustSubject }),
      }),
  }).start();
  renewal.onRenewed((renewed) => {
    writeOperatorFiles(options.dataDir, renewed).catch((err: unknown) =>
      options.onError(`operator credential: cannot write it: ${errorMessage(err)}`),
    );
  });
  return {
    stop: () => renewal.stop(),
    files: async () => {
      const files = await readOperatorFiles(options.dataDir);
      if (files === undefined) throw new OmegaError(Code.Internal, 'operator files vanished');
      return files;
    },
  };
}

/** The operator's files under `dataDir`, or undefined when the stack there runs in plaintext. */
export async function readOperatorFiles(dataDir: string): Promise<OperatorFiles | undefined> {
  return readOperatorFilesIn(operatorDir(dataDir));
}

/** The operator's files in `dir` itself (a context's certDir), or undefined when it has none. */
export async function readOperatorFilesIn(dir: string): Promise<OperatorFiles | undefined> {
  if (!existsSync(join(dir, 'operator-key.pem'))) return undefined;
  try {
    return {
      caPem: await readFile(join(dir, 'ca.pem'), 'utf8'),
      certificatePem: await readFile(join(dir, 'operator.pem'), 'utf8'),
      privateKeyPem: await readFile(join(dir, 'operator-key.pem'), 'utf8'),
    };
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `operator credential in ${dir}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/** gRPC credentials as the operator, accepting only a server certificate naming `service/<name>`. */
export function operatorChannelCredentials(
  files: OperatorFiles,
  service?: string,
): grpc.ChannelCredentials {
  const expected = service === undefined ? undefined : subjectOfService(files, service);
  return grpc.credentials.createSsl(
    Buffer.from(files.caPem),
    Buffer.from(files.privateKeyPem),
    Buffer.from(files.certificatePem),
    { checkServerIdentity: (_host, cert) => checkPeerSubject(cert, expected) },
  );
}

/** Bus connection options as the operator (read-only row of the bus permission table). */
export function operatorBusOptions(files: OperatorFiles): IdentityConnectionOptions {
  return identityNatsOptions({
    caPem: files.caPem,
    identity: OPERATOR,
    clientCertificate: () => files,
  });
}

/** `omega://<cluster>/service/<name>` in the operator's own trust domain. */
function subjectOfService(files: OperatorFiles, service: string): string {
  const match = /URI:(omega:\/\/[^/]+)\/operator\/cli/.exec(
    new X509Certificate(files.certificatePem).subjectAltName ?? '',
  );
  if (!match) {
    throw new OmegaError(Code.FailedPrecondition, 'operator certificate has no omega:// subject');
  }
  return `${match[1]}/service/${service}`;
}

async function writeOperatorFiles(dataDir: string, credentials: Credentials): Promise<void> {
  const dir = operatorDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const write = async (name: string, text: string, mode: number) => {
    const temporary = join(dir, `.${name}.tmp`);
    await writeFile(temporary, text, { mode });
    await chmod(temporary, mode);
    await rename(temporary, join(dir, name));
  };
  await write('ca.pem', credentials.trustBundlePem, 0o644);
  await write(
    'operator-key.pem',
    credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    0o600,
  );
  await write('operator.pem', credentials.certificateChainPem, 0o644);
}

/** Where `omega up` keeps its state by default: `.omega` in the repository. */
export const DEFAULT_DATA_DIR = join(__dirname, '..', '..', '..', '.omega');

/**
 * The CLI's credentials for calling `service`: the operator's mutual TLS when the stack in
 * `dataDir` (default `.omega`) enrolled one, plaintext otherwise (an `--insecure-plaintext` stack).
 */
export async function cliChannelCredentials(
  dataDir: string | undefined,
  service: string,
): Promise<grpc.ChannelCredentials | undefined> {
  const files = await readOperatorFiles(dataDir ?? DEFAULT_DATA_DIR);
  return files ? operatorChannelCredentials(files, service) : undefined;
}
