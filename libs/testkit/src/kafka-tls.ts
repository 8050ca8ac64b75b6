// A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI, for the Kafka
// test broker's TLS listener (a PEM keystore Kafka reads directly, no keytool or JKS).
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';

export interface TestCertificates {
  /** The CA certificate (PEM) a client trusts to verify the broker. */
  caPem: string;
  /** The server's PKCS#8 key followed by its certificate: `ssl.keystore.type=PEM`. */
  keystorePath: string;
}

export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=omega-test-kafka-ca',
  ]);
  await openssl([
    'req',
    ...ecKey,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
  ]);
  const keystorePath = file('server-keystore.pem');
  await writeFile(
    keystorePath,
    (await readFile(file('server.key'), 'utf8')) + (await readFile(file('server.pem'), 'utf8')),
  );
  return { caPem: await readFile(file('ca.pem'), 'utf8'), keystorePath };
}

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (err) =>
      reject(
        new OmegaError(
          Code.FailedPrecondition,
          `cannot run openssl for the Kafka test broker's certificate (apt-get install openssl): ${err.message}`,
          { cause: err },
        ),
      ),
    );
    child.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new OmegaError(
              Code.Internal,
              `openssl ${args[0]} failed (exit ${code}): ${stderr.trim()}`,
            ),
          ),
    );
  });
}
