import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { baseConfigSchema, loadConfig } from './config';
import { envNameFor } from './config-schema';
import { Code, OmegaError } from './errors';

const serviceDefaults = { service: { name: 'trust' }, grpc: { port: 50052 }, http: { port: 9465 } };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'omega-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `load`, expecting the config error, and returns its message lines. */
function configErrorLines(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(OmegaError);
    expect((err as OmegaError).code).toBe(Code.InvalidArgument);
    return (err as OmegaError).message.split('\n');
  }
  throw new Error('expected a config error, but the config loaded');
}

describe('loadConfig', () => {
  it('fills every base setting from the defaults and the schema defaults', () => {
    const config = loadConfig(baseConfigSchema, { env: {}, argv: [], defaults: serviceDefaults });
    expect(config).toEqual({
      service: { name: 'trust' },
      grpc: {
        host: '0.0.0.0',
        port: 50052,
        maxConcurrentStreams: 100,
        maxConnectionIdleMs: 300000,
        maxConnectionAgeMs: 3600000,
        maxConnectionAgeGraceMs: 300000,
        maxConnectionsPerAddress: 64,
        maxReceiveMessageBytes: 4194304,
        maxConnections: 512,
      },
      http: { host: '0.0.0.0', port: 9465 },
      nats: { servers: ['nats://127.0.0.1:4222'], auth: 'none' },
      log: { level: 'info' },
      otel: {},
      shutdown: { deadlineMs: 10000 },
      enrollment: {
        mode: 'off',
        trustAddress: '127.0.0.1:50052',
        serviceAccountTokenPath: '/var/run/secrets/omega/token',
        timeoutMs: 120000,
      },
      tls: { enabled: false },
    });
  });

  it('lets the file override the defaults and the environment override the file', () => {
    const file = yamlFile(
      'precedence.yaml',
      [
        'grpc:',
        '  port: 1000',
        '  host: 127.0.0.1',
        'log:',
        '  level: debug',
        'nats:',
        '  servers: [nats://file:4222]',
      ].join('\n'),
    );
    const config = loadConfig(baseConfigSchema, {
      env: { OMEGA_GRPC_PORT: '2000', OMEGA_NATS_SERVERS: 'nats://a:4222, nats://b:4222' },
      argv: ['--config', file],
      defaults: serviceDefaults,
    });
    expect(config.grpc).toMatchObject({ host: '127.0.0.1', port: 2000 });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 9465 });
    expect(config.log.level).toBe('debug');
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('reads the file named by OMEGA_CONFIG_FILE, and --config=<file> wins over it', () => {
    const fromEnv = yamlFile('from-env.yaml', 'shutdown:\n  deadlineMs: 1111\n');
    const fromArgv = yamlFile('from-argv.yaml', 'shutdown:\n  deadlineMs: 2222\n');
    const env = { OMEGA_CONFIG_FILE: fromEnv };
    expect(
      loadConfig(baseConfigSchema, { env, argv: [], defaults: serviceDefaults }).shutdown
        .deadlineMs,
    ).toBe(1111);
    expect(
      loadConfig(baseConfigSchema, {
        env,
        argv: [`--config=${fromArgv}`],
        defaults: serviceDefaults,
      }).shutdown.deadlineMs,
    ).toBe(2222);
  });

  it('derives variable names from the schema path and coerces them to the setting type', () => {
    expect(envNameFor(['shutdown', 'deadlineMs'])).toBe('OMEGA_SHUTDOWN_DEADLINE_MS');
    expect(envNameFor(['otel', 'sampleRatio'])).toBe('OMEGA_OTEL_SAMPLE_RATIO');
    const schema = baseConfigSchema.extend({
      audit: z.object({
        maxTreeSize: z.int().positive(),
        signCheckpoints: z.boolean().default(true),
        mirrors: z.array(z.int()).default([]),
      }),
    });
    const config = loadConfig(schema, {
      env: {
        OMEGA_AUDIT_MAX_TREE_SIZE: '4096',
        OMEGA_AUDIT_SIGN_CHECKPOINTS: 'false',
        OMEGA_AUDIT_MIRRORS: '[1, 2]',
        OMEGA_OTEL_SAMPLE_RATIO: '0.25',
        OMEGA_OTEL_ENDPOINT: 'http://collector:4318',
        OMEGA_SHUTDOWN_DEADLINE_MS: '2500',
        OMEGA_SERVICE_NAME: 'trust-eu',
      },
      argv: [],
      defaults: serviceDefaults,
    });
    expect(config.audit).toEqual({ maxTreeSize: 4096, signCheckpoints: false, mirrors: [1, 2] });
    expect(config.otel).toEqual({ endpoint: 'http://collector:4318', sampleRatio: 0.25 });
    expect(config.shutdown.deadlineMs).toBe(2500);
    expect(config.service.name).toBe('trust-eu');
  });

  it('ignores variables outside OMEGA_ and the ones that name files rather than settings', () => {
    const config = loadConfig(baseConfigSchema, {
      env: { PATH: '/bin', OMEGA_CACHE_DIR: '/tmp/cache', OMEGA_CONFIG_FILE: '' },
      argv: ['--verbose'],
      defaults: serviceDefaults,
    });
    expect(config.grpc.port).toBe(50052);
  });

  describe('refuses', () => {
    it('an unknown key in the file, naming it, the file, and the likely intended key', () => {
      const file = yamlFile('unknown.yaml', 'grcp:\n  port: 1\ngrpc:\n  prot: 2\n');
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: {},
            argv: ['--config', file],
            defaults: serviceDefaults,
          }),
        ).sort(),
      ).toEqual([
        `config: grcp: unknown key (file ${file}); did you mean grpc?`,
        `config: grpc.prot: unknown key (file ${file}); did you mean port?`,
      ]);
    });

    it('an unknown key even in a section declared with z.object, which would drop it silently', () => {
      const schema = baseConfigSchema.extend({
        audit: z.object({ depth: z.int().default(1) }).prefault({}),
      });
      const file = yamlFile('loose.yaml', 'audit:\n  dpeth: 3\n');
      expect(
        configErrorLines(() =>
          loadConfig(schema, { env: {}, argv: ['--config', file], defaults: serviceDefaults }),
        ),
      ).toEqual([`config: audit.dpeth: unknown key (file ${file}); did you mean depth?`]);
    });

    it('an OMEGA_ variable that maps to no key', () => {
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: { OMEGA_GRPC_PROT: '1' },
            argv: [],
            defaults: serviceDefaults,
          }),
        ),
      ).toEqual([
        'config: OMEGA_GRPC_PROT: unknown variable, no config key maps to it (env); did you mean OMEGA_GRPC_PORT?',
      ]);
    });

    it('a mistyped value from the environment, with what it got and where from', () => {
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: { OMEGA_GRPC_PORT: 'abc' },
            argv: [],
            defaults: serviceDefaults,
          }),
        ),
      ).toEqual(['config: grpc.port: expected integer, got "abc" (env OMEGA_GRPC_PORT)']);
    });

    it('mistyped and out-of-range values from the file, every one of them at once', () => {
      const file = yamlFile(
        'mistyped.yaml',
        [
          'log:',
          '  level: loud',
          'grpc:',
          '  port: 1.5',
          'http:',
          '  port: 70000',
          'otel:',
          '  endpoint: collector',
          'nats:',
          '  servers: nats://x',
        ].join('\n'),
      );
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: {},
            argv: ['--config', file],
            defaults: serviceDefaults,
          }),
        ).sort(),
      ).toEqual(
        [
          `config: grpc.port: expected integer, got 1.5 (file ${file})`,
          `config: http.port: expected integer at most 65535, got 70000 (file ${file})`,
          `config: log.level: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace", got "loud" (file ${file})`,
          `config: nats.servers: expected list of string, got "nats://x" (file ${file})`,
          `config: otel.endpoint: expected URL, got "collector" (file ${file})`,
        ].sort(),
      );
    });

    it('a missing required setting, saying where it can be set', () => {
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: {},
            argv: [],
            defaults: { service: { name: 'trust' } },
          }),
        ),
      ).toEqual([
        'config: grpc.port: required, expected integer (set grpc.port in the config file or OMEGA_GRPC_PORT)',
        'config: http.port: required, expected integer (set http.port in the config file or OMEGA_HTTP_PORT)',
      ]);
    });

    it('a YAML syntax error, with file, line and column', () => {
      const file = yamlFile('broken.yaml', 'grpc:\n  port: 1\nlog: level: debug\n');
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: {},
            argv: ['--config', file],
            defaults: serviceDefaults,
          }),
        ),
      ).toEqual([
        `config: file ${file}: line 3, column 6: Nested mappings are not allowed in compact mappings`,
      ]);
    });

    it('a file that is not a mapping, and a file that cannot be read', () => {
      const list = yamlFile('list.yaml', '- 1\n- 2\n');
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, {
            env: {},
            argv: ['--config', list],
            defaults: serviceDefaults,
          }),
        ),
      ).toEqual([`config: file ${list}: expected a mapping at the top level, got a list`]);
      const missing = join(dir, 'missing.yaml');
      const [line] = configErrorLines(() =>
        loadConfig(baseConfigSchema, {
          env: { OMEGA_CONFIG_FILE: missing },
          argv: [],
          defaults: serviceDefaults,
        }),
      );
      expect(line).toMatch(new RegExp(`^config: file ${missing}: cannot read it: ENOENT`));
    });

    it('--config without a path', () => {
      expect(
        configErrorLines(() =>
          loadConfig(baseConfigSchema, { env: {}, argv: ['--config'], defaults: serviceDefaults }),
        ),
      ).toEqual(['config: --config needs a file path']);
    });
  });
});
