// Secure by default: charts/omega refuses plaintext gRPC and an unauthenticated bus unless the
// values say `insecureDevelopmentMode: true`, names that flag when it refuses, and prints a loud
// warning in NOTES.txt when it is set (rendered by the real helm).
import {
  CHART_DIR,
  findKubeTools,
  parseObjects,
  runTool,
  type KubeObject,
  type KubeTools,
} from './index';

let tools: KubeTools;
beforeAll(() => {
  tools = findKubeTools();
});

function gatewayEnv(objects: KubeObject[]): Record<string, string | undefined> {
  const gateway = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'omega-gateway',
  );
  const spec = gateway?.['spec'] as {
    template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
  };
  return Object.fromEntries(
    (spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]),
  );
}

describe('insecureDevelopmentMode', () => {
  it('is off by default: TLS and NATS authentication on', async () => {
    const result = await runTool(tools.helm, ['template', 'omega', CHART_DIR]);
    expect(result.code).toBe(0);
    const env = gatewayEnv(parseObjects(result.stdout));
    expect([env['OMEGA_TLS_ENABLED'], env['OMEGA_NATS_AUTH']]).toEqual(['true', 'identity']);
  });

  it.each([
    [
      { 'tls.enabled': 'false' },
      /tls\.enabled=false serves gRPC in plaintext .*set insecureDevelopmentMode=true/,
    ],
    [
      { 'nats.auth': 'none' },
      /nats\.auth=none lets any pod read and write every stream .*set insecureDevelopmentMode=true/,
    ],
    [
      { 'enrollment.mode': 'off' },
      /enrollment\.mode=off: tls\.enabled and nats\.auth=identity need trust-issued identities/,
    ],
  ])(
    'refuses the insecure %j without insecureDevelopmentMode, naming the flag',
    async (set, message) => {
      const args = (extra: Record<string, string>) => [
        'template',
        'omega',
        CHART_DIR,
        ...Object.entries({ ...set, ...extra }).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      ];
      const refused = await runTool(tools.helm, args({}));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(message);
      // With the flag (and, without enrollment, both off) the same values render.
      const insecure = {
        insecureDevelopmentMode: 'true',
        'tls.enabled': 'false',
        'nats.auth': 'none',
      };
      const allowed = await runTool(tools.helm, args(insecure));
      expect({ code: allowed.code, stderr: allowed.stderr }).toEqual({ code: 0, stderr: '' });
      const env = gatewayEnv(parseObjects(allowed.stdout));
      expect([env['OMEGA_TLS_ENABLED'], env['OMEGA_NATS_AUTH']]).toEqual(['false', 'none']);
    },
  );

  it('warns loudly in NOTES.txt when insecureDevelopmentMode is set, and not otherwise', async () => {
    const notes = async (...set: string[]) =>
      runTool(tools.helm, [
        'install',
        'omega',
        CHART_DIR,
        '--dry-run=client',
        ...set.flatMap((s) => ['--set', s]),
      ]);
    const secure = await notes();
    expect(secure.stdout).not.toMatch(/insecureDevelopmentMode/);
    expect(secure.stdout).toMatch(/Every gRPC hop is mutual TLS 1\.3/);
    const insecure = await notes(
      'insecureDevelopmentMode=true',
      'tls.enabled=false',
      'nats.auth=none',
    );
    expect(insecure.stdout).toMatch(/WARNING: insecureDevelopmentMode=true\. FOR DEVELOPMENT ONLY/);
    expect(insecure.stdout).toMatch(/tls\.enabled=false: gRPC is plaintext/);
    expect(insecure.stdout).toMatch(/nats\.auth=none: NATS authenticates nobody/);
  });
});
