// `omega config get-contexts|current-context|use-context|set-context|delete-context`: the contexts
// file (cli-contexts.ts), as `kubectl config` edits a kubeconfig.
import type { Command } from 'commander';
import {
  contextsFile,
  loadContexts,
  saveContexts,
  selectContext,
  upsertContext,
  type CliContext,
} from './cli-contexts';
import {
  UsageError,
  action,
  print,
  printer,
  withOutput,
  type CommandScope,
  type OutputOptions,
} from './command-kit';
import { renderList, type Column } from './output-format';

export function registerConfigCommands(program: Command, scope: CommandScope): void {
  const config = program
    .command('config')
    .description(
      `contexts: named gateways and how to reach them ($OMEGA_CONFIG, default ~/.omega/config)`,
    );
  const file = () => contextsFile(scope.io.env);

  withOutput(
    config.command('get-contexts').description('list the contexts; * marks the current one'),
  ).action(
    action(scope, async (options: OutputOptions) => {
      const loaded = await loadContexts(file());
      const current = loaded['current-context'];
      const columns: Column<CliContext>[] = [
        { header: 'CURRENT', value: (c) => (c.name === current ? '*' : '') },
        { header: 'NAME', value: (c) => c.name },
        { header: 'ADDRESS', value: (c) => c.address },
        {
          header: 'AUTH',
          value: (c) =>
            [c.certDir ? 'certificate' : '', c.token ? 'token' : ''].filter(Boolean).join('+') ||
            'none',
        },
        { header: 'CA FILE', value: (c) => c.caFile ?? '-', wide: true },
        { header: 'CERT DIR', value: (c) => c.certDir ?? '-', wide: true },
      ];
      // Tokens are secrets: json and yaml say whether there is one, not what it is.
      const redacted = {
        'current-context': current ?? '',
        contexts: loaded.contexts.map(({ token, ...rest }) => ({
          ...rest,
          token: token ? '<redacted>' : '',
        })),
      };
      print(
        scope,
        renderList(
          printer(scope, options),
          loaded.contexts,
          columns,
          redacted,
          `no contexts in ${file()}`,
        ),
      );
      return 0;
    }),
  );

  config
    .command('current-context')
    .description('print the current context’s name (exit 1 when none is set)')
    .action(
      action(scope, async () => {
        const current = (await loadContexts(file()))['current-context'];
        if (!current) {
          scope.io.err(`omega: no current context in ${file()}`);
          return 1;
        }
        scope.io.out(current);
        return 0;
      }),
    );

  config
    .command('use-context')
    .description('make a context the current one')
    .argument('<name>')
    .action(
      action(scope, async (name: string) => {
        const loaded = await loadContexts(file());
        selectContext(loaded, name);
        await saveContexts(file(), { ...loaded, 'current-context': name });
        scope.io.out(`switched to context '${name}'`);
        return 0;
      }),
    );

  config
    .command('set-context')
    .description('add a context, or change the fields given of an existing one')
    .argument('<name>')
    .option('--address <host:port>', 'gateway address')
    .option('--ca-file <file>', "CA certificate that signed the gateway's certificate")
    .option(
      '--cert-dir <dir>',
      'client certificate directory (ca.pem, operator.pem, operator-key.pem)',
    )
    .option('--current', 'also make it the current context')
    .action(
      action(
        scope,
        async (
          name: string,
          options: { address?: string; caFile?: string; certDir?: string; current?: boolean },
        ) => {
          const loaded = await loadContexts(file());
          if (!options.address && !loaded.contexts.some((c) => c.name === name)) {
            throw new UsageError(`set-context ${name}: a new context needs --address`);
          }
          const updated = upsertContext(loaded, {
            name,
            address: options.address,
            caFile: options.caFile,
            certDir: options.certDir,
          });
          const current =
            options.current || !loaded['current-context'] ? name : loaded['current-context'];
          await saveContexts(file(), { ...updated, 'current-context': current });
          scope.io.out(`context '${name}' set${current === name ? ' (current)' : ''}`);
          return 0;
        },
      ),
    );

  config
    .command('delete-context')
    .description('remove a context (and its token)')
    .argument('<name>')
    .action(
      action(scope, async (name: string) => {
        const loaded = await loadContexts(file());
        selectContext(loaded, name);
        const current = loaded['current-context'] === name ? undefined : loaded['current-context'];
        await saveContexts(file(), {
          contexts: loaded.contexts.filter((c) => c.name !== name),
          ...(current ? { 'current-context': current } : {}),
        });
        scope.io.out(`deleted context '${name}'`);
        return 0;
      }),
    );
}
