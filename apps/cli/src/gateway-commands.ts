// The gateway's own API from the terminal: `omega whoami`, `omega auth can-i` (kubectl's habit:
// yes/no, exit 0 only when everything asked is allowed), `omega login` (check a token, keep it in a
// context) and `omega tokens create|list|revoke`.
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  CheckAccessResponse,
  CreateTokenResponse,
  GatewayServiceClient,
  ListTokensResponse,
  PrincipalKind,
  RevokeTokenResponse,
  WhoAmIResponse,
  authMethodToJSON,
  principalKindToJSON,
  type AccessDecision,
  type GatewayServiceService,
  type Principal,
  type TokenInfo,
} from '@omega/proto';
import { Code, OmegaError, type PromiseClient } from '@omega/runtime';
import { contextsFile, loadContexts, saveContexts, upsertContext } from './cli-contexts';
import { commaList, durationSeconds } from './cli-io';
import {
  action,
  connect,
  print,
  printer,
  withConnection,
  withOutput,
  type CommandScope,
  type ConnectionOptions,
  type OutputOptions,
  UsageError,
} from './command-kit';
import {
  channelCredentials,
  gatewayClient,
  readText,
  type GatewayConnection,
} from './gateway-connection';
import { enumLabel, isoTime, renderList, renderMessage, type Column } from './output-format';

type GatewayClient = PromiseClient<typeof GatewayServiceService>;
type GatewayOptions = ConnectionOptions & OutputOptions;

const PRINCIPAL_COLUMNS: readonly Column<Principal>[] = [
  { header: 'PRINCIPAL', value: (p) => p.id },
  { header: 'KIND', value: (p) => enumLabel(principalKindToJSON(p.kind), 'PRINCIPAL_KIND_') },
  { header: 'AUTH', value: (p) => enumLabel(authMethodToJSON(p.authMethod), 'AUTH_METHOD_') },
  { header: 'ROLES', value: (p) => p.roles.join(',') || '-' },
  { header: 'TOKEN', value: (p) => p.tokenId || '-', wide: true },
  { header: 'EXPIRES', value: (p) => isoTime(p.expireTimeNs) },
];

const DECISION_COLUMNS: readonly Column<AccessDecision>[] = [
  { header: 'METHOD', value: (d) => d.method },
  {
    header: 'ALLOWED',
    value: (d) => (d.allowed ? 'yes' : 'no'),
    colour: (d) => (d.allowed ? 'green' : 'red'),
  },
  { header: 'ROLES', value: (d) => d.requiredRoles.join(',') || '-', wide: true },
  { header: 'REASON', value: (d) => d.reason },
];

const TOKEN_COLUMNS: readonly Column<TokenInfo>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'SUBJECT', value: (t) => t.subject },
  { header: 'ROLES', value: (t) => t.roles.join(',') || '-' },
  { header: 'EXPIRES', value: (t) => isoTime(t.expireTimeNs) },
  {
    header: 'REVOKED',
    value: (t) => isoTime(t.revokeTimeNs),
    colour: (t) => (t.revokeTimeNs ? 'red' : undefined),
  },
  { header: 'CREATED BY', value: (t) => t.createdBy, wide: true },
  { header: 'LAST USED', value: (t) => isoTime(t.lastUseTimeNs), wide: true },
  { header: 'DESCRIPTION', value: (t) => t.description },
];

export function registerGatewayCommands(program: Command, scope: CommandScope): void {
  gatewayCommand(
    program.command('whoami'),
    'who the gateway takes you for: identity, roles, how you authenticated',
  ).action(
    action(scope, (options: GatewayOptions) =>
      withGateway(scope, options, async (client) => {
        const res = await client.whoAmI({});
        const rows = res.principal ? [res.principal] : [];
        print(
          scope,
          renderList(
            printer(scope, options),
            rows,
            PRINCIPAL_COLUMNS,
            WhoAmIResponse.toJSON(res),
            'nobody',
          ),
        );
        return 0;
      }),
    ),
  );

  const auth = program.command('auth').description('what you may do');
  gatewayCommand(
    auth.command('can-i'),
    'whether you may call these methods (yes/no); exit 0 only when all are allowed',
  )
    .argument(
      '[methods...]',
      'e.g. /omega.v1.IntelligenceService/ListRules or IntelligenceService/ListRules',
    )
    .option('--list', 'every method the gateway serves, allowed or not')
    .option('--as <principal>', 'ask for another principal (administrators only)')
    .action(
      action(
        scope,
        (methods: string[], options: GatewayOptions & { list?: boolean; as?: string }) =>
          withGateway(scope, options, async (client) => {
            if (methods.length === 0 && !options.list) {
              throw new UsageError('auth can-i: name a method, or pass --list');
            }
            const res = await client.checkAccess({
              methods: options.list ? [] : methods.map(fullMethodName),
              principalId: options.as ?? '',
            });
            const out = printer(scope, options);
            if (out.format === 'json' || out.format === 'yaml') {
              print(scope, [renderMessage(out.format, CheckAccessResponse.toJSON(res))]);
            } else if (methods.length === 1 && !options.list && out.format === 'table') {
              print(scope, [res.decisions[0]?.allowed ? 'yes' : 'no']);
            } else {
              print(scope, renderList(out, res.decisions, DECISION_COLUMNS, null, 'no methods'));
            }
            return res.decisions.length > 0 && res.decisions.every((d) => d.allowed) ? 0 : 1;
          }),
      ),
    );

  withOutput(
    program
      .command('login')
      .description('check a bearer token against the gateway (WhoAmI) and keep it in a context')
      .requiredOption('--address <host:port>', 'gateway address')
      .option('--ca-file <file>', "CA certificate that signed the gateway's certificate")
      .addOption(
        new Option('--token <token>', 'bearer token (else $OMEGA_TOKEN)').conflicts('tokenStdin'),
      )
      .option('--token-stdin', 'read the token from standard input')
      .option('--context <name>', 'context to store it in (default: the address)'),
  ).action(
    action(
      scope,
      async (
        options: OutputOptions & {
          address: string;
          caFile?: string;
          token?: string;
          tokenStdin?: boolean;
          context?: string;
        },
      ) => {
        const token = options.tokenStdin
          ? (await scope.io.readStdin()).trim()
          : (options.token ?? scope.io.env['OMEGA_TOKEN'] ?? '');
        if (token === '') {
          throw new UsageError('login: give --token, --token-stdin or OMEGA_TOKEN');
        }
        const caPem = options.caFile ? await readText(options.caFile, 'CA file') : undefined;
        const connection = {
          address: options.address,
          credentials: channelCredentials({ caPem, token }),
        };
        const principal = await inGateway(
          connection,
          async (client) => (await client.whoAmI({})).principal,
        );
        if (!principal || principal.kind === PrincipalKind.PRINCIPAL_KIND_ANONYMOUS) {
          throw new OmegaError(
            Code.Unauthenticated,
            `login: the gateway at ${options.address} did not accept the token`,
          );
        }
        const file = contextsFile(scope.io.env);
        const name = options.context ?? options.address;
        const config = upsertContext(await loadContexts(file), {
          name,
          address: options.address,
          token,
          ...(options.caFile ? { caFile: options.caFile } : {}),
        });
        await saveContexts(file, { ...config, 'current-context': name });
        const out = printer(scope, options);
        if (out.format === 'json' || out.format === 'yaml') {
          print(scope, [renderMessage(out.format, WhoAmIResponse.toJSON({ principal }))]);
        } else {
          print(scope, [
            `logged in to ${options.address} as ${principal.id} (roles: ${principal.roles.join(', ') || 'none'})`,
            `context '${name}' in ${file} is now current`,
          ]);
        }
        return 0;
      },
    ),
  );

  const tokens = program
    .command('tokens')
    .description('bearer tokens for the CLI, console and automation');
  gatewayCommand(
    tokens.command('create'),
    'create a token (with at most your roles); its secret is shown once',
  )
    .option('--roles <r1,r2>', 'roles (default: yours)', commaList)
    .option(
      '--ttl <duration>',
      'lifetime, e.g. 1h, 30m, 7d (default: the gateway’s)',
      durationSeconds,
    )
    .option('--description <text>', 'what it is for')
    .option('--subject <principal>', 'principal it acts as (default: you)')
    .action(
      action(
        scope,
        (
          options: GatewayOptions & {
            roles?: string[];
            ttl?: number;
            description?: string;
            subject?: string;
          },
        ) =>
          withGateway(scope, options, async (client) => {
            const res = await client.createToken({
              subject: options.subject ?? '',
              roles: options.roles ?? [],
              description: options.description ?? '',
              ttlSeconds: options.ttl ?? 0,
              requestId: randomUUID(),
            });
            const out = printer(scope, options);
            if (out.format === 'json' || out.format === 'yaml') {
              print(scope, [renderMessage(out.format, CreateTokenResponse.toJSON(res))]);
            } else {
              print(scope, [
                ...renderList(out, res.token ? [res.token] : [], TOKEN_COLUMNS, null, 'no token'),
                '',
                `secret (shown once): ${res.secret}`,
              ]);
            }
            return 0;
          }),
      ),
    );
  gatewayCommand(tokens.command('list'), 'tokens you created (all, for administrators)')
    .option('--all', 'include revoked tokens')
    .option('--subject <principal>', 'only tokens acting as this principal')
    .action(
      action(scope, (options: GatewayOptions & { all?: boolean; subject?: string }) =>
        withGateway(scope, options, async (client) => {
          const res = await client.listTokens({
            subject: options.subject ?? '',
            includeRevoked: options.all === true,
            pageSize: 0,
            pageToken: '',
          });
          print(
            scope,
            renderList(
              printer(scope, options),
              res.tokens,
              TOKEN_COLUMNS,
              ListTokensResponse.toJSON(res),
              'no tokens',
            ),
          );
          return 0;
        }),
      ),
    );
  gatewayCommand(tokens.command('revoke'), 'revoke a token; requests bearing it fail from then on')
    .argument('<id>', 'token id (tokens list shows it)')
    .option('--reason <text>', 'why, for the audit log')
    .action(
      action(scope, (id: string, options: GatewayOptions & { reason?: string }) =>
        withGateway(scope, options, async (client) => {
          const res = await client.revokeToken({ tokenId: id, reason: options.reason ?? '' });
          const out = printer(scope, options);
          if (out.format === 'json' || out.format === 'yaml') {
            print(scope, [renderMessage(out.format, RevokeTokenResponse.toJSON(res))]);
          } else {
            print(scope, [`revoked ${res.token?.id ?? id}`]);
          }
          return 0;
        }),
      ),
    );
}

/** `IntelligenceService/ListRules` → `/omega.v1.IntelligenceService/ListRules`. */
export function fullMethodName(method: string): string {
  const trimmed = method.replace(/^\//, '');
  const [service = '', name] = trimmed.split('/');
  if (!name) {
    throw new UsageError(`auth can-i: '${method}' is not Service/Method`);
  }
  return `/${service.includes('.') ? service : `omega.v1.${service}`}/${name}`;
}

function gatewayCommand(command: Command, description: string): Command {
  return withOutput(withConnection(command.description(description)));
}

async function withGateway<T>(
  scope: CommandScope,
  options: ConnectionOptions,
  run: (client: GatewayClient) => Promise<T>,
): Promise<T> {
  return inGateway(await connect(scope, options), run);
}

async function inGateway<T>(
  connection: Pick<GatewayConnection, 'address' | 'credentials'>,
  run: (client: GatewayClient) => Promise<T>,
): Promise<T> {
  const client = gatewayClient(GatewayServiceClient, connection);
  try {
    return await run(client);
  } finally {
    client.close();
  }
}
