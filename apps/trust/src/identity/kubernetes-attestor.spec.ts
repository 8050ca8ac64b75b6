// Kubernetes attestation: the answers a current kube-apiserver never gives (a token naming another
// node than its pod's, a TokenReview without the node-name extra of Kubernetes < 1.30), from a local
// HTTPS stand-in with the real server's JSON shapes. Everything a real server can answer is in
// kubernetes-attestor.kube-api.spec.ts, against a real kube-apiserver.
import 'reflect-metadata';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  KubernetesAttestor,
  NODE_NAME_EXTRA,
  POD_NAME_EXTRA,
  POD_UID_EXTRA,
} from './kubernetes-attestor';

const TRUST_SA_TOKEN = 'trust-own-service-account-token';

interface FakeToken {
  audiences: string[];
  namespace: string;
  serviceAccount: string;
  pod: string;
  podUid: string;
  node?: string;
}

const tokens: Record<string, FakeToken> = {
  'sentinel-moved-node': {
    audiences: ['omega-trust'],
    namespace: 'omega',
    serviceAccount: 'omega-sentinel',
    pod: 'omega-sentinel-abcde',
    podUid: 'uid-1',
    node: 'node-9',
  },
  'intelligence-old-k8s': {
    audiences: ['omega-trust'],
    namespace: 'omega',
    serviceAccount: 'omega-intelligence',
    pod: 'omega-intelligence-0',
    podUid: 'uid-2',
  },
};

const pods: Record<string, object> = {
  'omega/omega-sentinel-abcde': {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'omega-sentinel-abcde', namespace: 'omega', uid: 'uid-1' },
    spec: { nodeName: 'node-1', serviceAccountName: 'omega-sentinel' },
    status: { phase: 'Running' },
  },
  'omega/omega-intelligence-0': {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'omega-intelligence-0', namespace: 'omega', uid: 'uid-2' },
    spec: { nodeName: 'node-2', serviceAccountName: 'omega-intelligence' },
    status: { phase: 'Running' },
  },
};

/** kube-apiserver's answer to a TokenReview: authenticated only if the audiences intersect. */
function tokenReview(spec: { token: string; audiences?: string[] }): object {
  const token = tokens[spec.token];
  const wanted = spec.audiences ?? [];
  const audiences = token
    ? token.audiences.filter((a) => wanted.length === 0 || wanted.includes(a))
    : [];
  if (!token || audiences.length === 0) {
    return {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: {
        user: {},
        error: token
          ? `[invalid bearer token, token audiences ${JSON.stringify(token.audiences)} is invalid for the target audiences ${JSON.stringify(wanted)}]`
          : '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
      },
    };
  }
  const extra: Record<string, string[]> = {
    [POD_NAME_EXTRA]: [token.pod],
    [POD_UID_EXTRA]: [token.podUid],
    'authentication.kubernetes.io/credential-id': ['JTI=1234'],
  };
  if (token.node) extra[NODE_NAME_EXTRA] = [token.node];
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: {
      authenticated: true,
      user: {
        username: `system:serviceaccount:${token.namespace}:${token.serviceAccount}`,
        uid: `sa-${token.serviceAccount}`,
        groups: [
          'system:serviceaccounts',
          `system:serviceaccounts:${token.namespace}`,
          'system:authenticated',
        ],
        extra,
      },
      audiences,
    },
  };
}

function status(code: number, reason: string, message: string): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

let apiServer: Server;
let apiServerUrl: string;
let dir: string;

function attestor(tokenFile = 'token'): KubernetesAttestor {
  return new KubernetesAttestor({
    apiServerUrl,
    tokenPath: join(dir, tokenFile),
    caPath: join(dir, 'ca.crt'),
    audience: 'omega-trust',
    namespaces: ['omega'],
  });
}

beforeAll(async () => {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=kube-apiserver stand-in',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const keyPem = x509.PemConverter.encode(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
    'PRIVATE KEY',
  );
  dir = await mkdtemp(join(tmpdir(), 'omega-k8s-'));
  await writeFile(join(dir, 'ca.crt'), cert.toString('pem'));
  await writeFile(join(dir, 'token'), `${TRUST_SA_TOKEN}\n`);
  apiServer = createServer({ key: keyPem, cert: cert.toString('pem') }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (code: number, body: object) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${TRUST_SA_TOKEN}`)
        return send(401, status(401, 'Unauthorized', 'Unauthorized'));
      if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/tokenreviews') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          kind: string;
          spec: { token: string; audiences?: string[] };
        };
        if (body.kind !== 'TokenReview')
          return send(400, status(400, 'BadRequest', 'expected TokenReview'));
        return send(201, tokenReview(body.spec));
      }
      const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && pod) {
        const found = pods[`${pod[1]}/${pod[2]}`];
        return found
          ? send(200, found)
          : send(404, status(404, 'NotFound', `pods "${pod[2]}" not found`));
      }
      send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    });
  });
  await new Promise<void>((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
  const address = apiServer.address() as { port: number };
  apiServerUrl = `https://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((resolve) => apiServer.close(() => resolve())));

describe('Kubernetes attestation: answers only a stand-in for kube-apiserver can give', () => {
  it('refuses a token issued for another node than the one its pod runs on', async () => {
    await expect(attestor().attest('sentinel-moved-node', 'sentinel', 'node-1')).rejects.toThrow(
      /on node 'node-1', the token was issued for node 'node-9'/,
    );
  });

  it("falls back to the pod's node when the API server predates node-name in tokens, and matches services to their service account", async () => {
    await expect(
      attestor().attest('intelligence-old-k8s', 'service', 'intelligence'),
    ).resolves.toMatchObject({ node: 'node-2', serviceAccount: 'omega-intelligence' });
    await expect(
      attestor().attest('intelligence-old-k8s', 'service', 'orchestrator'),
    ).rejects.toThrow(/does not match service account 'omega-intelligence'/);
  });
});
