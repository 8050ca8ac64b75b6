// `omega rules list|validate|test|load|enable|disable`: intelligence's detection rules and
// detectors through the gateway. validate and test compile (and run) rule files without loading
// them; load adds or updates them; diagnostics print as file:line:column like a compiler's.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  DiagnosticSeverity,
  Event,
  IntelligenceServiceClient,
  ListRulesRequest,
  ListRulesResponse,
  LoadRulesResponse,
  RuleFormat,
  SetRuleEnabledResponse,
  TestRulesResponse,
  ValidateRulesResponse,
  detectorKindToJSON,
  type Diagnostic,
  type IntelligenceServiceService,
  type Rule,
  type RuleSource,
  type RuleTestMatch,
} from '@omega/proto';
import { Code, OmegaError, errorMessage, type PromiseClient } from '@omega/runtime';
import { randomUUID } from 'node:crypto';
import { severityColour, severityName } from './alerts-command';
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
} from './command-kit';
import { gatewayClient } from './gateway-connection';
import { enumLabel, renderList, renderMessage, type Column, type Printer } from './output-format';

type IntelligenceClient = PromiseClient<typeof IntelligenceServiceService>;
type RulesOptions = ConnectionOptions & OutputOptions;

const RULE_COLUMNS: readonly Column<Rule>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'KIND', value: (r) => enumLabel(detectorKindToJSON(r.kind), 'DETECTOR_KIND_') },
  {
    header: 'SEVERITY',
    value: (r) => severityName(r.severity),
    colour: (r) => severityColour(r.severity),
  },
  {
    header: 'ENABLED',
    value: (r) => (r.enabled ? 'yes' : 'no'),
    colour: (r) => (r.enabled ? undefined : 'dim'),
  },
  { header: 'MATCHES', value: (r) => String(r.matchCount) },
  { header: 'TECHNIQUES', value: (r) => r.attackTechniqueIds.join(',') || '-', wide: true },
  { header: 'SOURCE', value: (r) => r.sourceName || '-', wide: true },
  { header: 'NAME', value: (r) => r.name },
];

const MATCH_COLUMNS: readonly Column<RuleTestMatch>[] = [
  { header: 'RULE', value: (m) => m.ruleId },
  { header: 'EVENT', value: (m) => `#${m.eventIndex}` },
  { header: 'EVENT ID', value: (m) => m.eventId || '-', wide: true },
  { header: 'EXPLANATION', value: (m) => m.explanation },
];

export function registerRuleCommands(program: Command, scope: CommandScope): void {
  const rules = program
    .command('rules')
    .description("intelligence's detection rules and detectors");
  rulesCommand(rules.command('list'), 'list rules and detectors')
    .option('--technique <id>', 'only rules mapped to this ATT&CK technique')
    .option('--enabled-only', 'leave out disabled rules')
    .action(
      action(scope, (options: RulesOptions & { technique?: string; enabledOnly?: boolean }) =>
        withClient(scope, options, async (client) => {
          const res = await client.listRules(
            ListRulesRequest.fromPartial({
              attackTechniqueId: options.technique ?? '',
              includeDisabled: !options.enabledOnly,
            }),
          );
          print(
            scope,
            renderList(
              printer(scope, options),
              res.rules,
              RULE_COLUMNS,
              ListRulesResponse.toJSON(res),
              'no rules',
            ),
          );
          return 0;
        }),
      ),
    );
  rulesCommand(
    rules.command('validate'),
    'compile Sigma rule files or Lua scripts without loading them; exit 1 on an error',
  )
    .argument('<files...>', 'Sigma rule files (YAML) or Lua rule scripts (.lua)')
    .action(
      action(scope, (files: string[], options: RulesOptions) =>
        withClient(scope, options, async (client) => {
          const res = await client.validateRules({ sources: await ruleSources(files) });
          return report(
            scope,
            printer(scope, options),
            ValidateRulesResponse.toJSON(res),
            res.diagnostics,
            res.valid,
            () => [
              ...files.map((file) => `${file}: valid`),
              ...res.rules.map((r) => `  ${r.id}  ${r.name}`),
            ],
          );
        }),
      ),
    );
  rulesCommand(rules.command('test'), 'run rule files over sample events and print what matches')
    .argument('<files...>', 'Sigma rule files (YAML) or Lua rule scripts (.lua)')
    .requiredOption('--events <file>', 'events as Omega JSON: one per line, or a JSON array')
    .action(
      action(scope, (files: string[], options: RulesOptions & { events: string }) =>
        withClient(scope, options, async (client) => {
          const res = await client.testRules({
            sources: await ruleSources(files),
            events: await readEvents(options.events),
          });
          const out = printer(scope, options);
          return report(scope, out, TestRulesResponse.toJSON(res), res.diagnostics, res.valid, () =>
            renderList(out, res.matches, MATCH_COLUMNS, null, 'no matches'),
          );
        }),
      ),
    );
  rulesCommand(
    rules.command('load'),
    'load (add or update) Sigma rule files or Lua scripts; nothing loads if one has an error',
  )
    .argument('<files...>', 'Sigma rule files (YAML) or Lua rule scripts (.lua)')
    .option('--replace-all', 'replace every loaded Sigma rule and Lua script with these')
    .action(
      action(scope, (files: string[], options: RulesOptions & { replaceAll?: boolean }) =>
        withClient(scope, options, async (client) => {
          const res = await client.loadRules({
            sources: await ruleSources(files),
            replaceAll: options.replaceAll === true,
            requestId: randomUUID(),
          });
          return report(
            scope,
            printer(scope, options),
            LoadRulesResponse.toJSON(res),
            res.diagnostics,
            res.loaded,
            () => [
              ...res.loadedRuleIds.map((id) => `loaded ${id}`),
              ...res.removedRuleIds.map((id) => `removed ${id}`),
              ...(res.audit ? [`audit log index ${res.audit.logIndex}`] : []),
            ],
          );
        }),
      ),
    );
  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    rulesCommand(rules.command(verb), `${verb} a rule or detector (as rules list names it)`)
      .argument('<id>', 'e.g. sigma:<id> or detector:<name>')
      .action(
        action(scope, (id: string, options: RulesOptions) =>
          withClient(scope, options, async (client) => {
            const res = await client.setRuleEnabled({
              ruleId: id,
              enabled,
              requestId: randomUUID(),
            });
            const out = printer(scope, options);
            if (out.format === 'json' || out.format === 'yaml') {
              print(scope, [renderMessage(out.format, SetRuleEnabledResponse.toJSON(res))]);
            } else {
              print(scope, [`${verb}d ${res.rule?.id ?? id}`]);
            }
            return 0;
          }),
        ),
      );
  }
}

function rulesCommand(command: Command, description: string): Command {
  return withOutput(withConnection(command.description(description)));
}

async function withClient(
  scope: CommandScope,
  options: RulesOptions,
  run: (client: IntelligenceClient) => Promise<number>,
): Promise<number> {
  const client = gatewayClient(IntelligenceServiceClient, await connect(scope, options));
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

/** Diagnostics on stderr, then the result; exit 1 when `ok` is false. */
function report(
  scope: CommandScope,
  out: Printer,
  json: unknown,
  diagnostics: readonly Diagnostic[],
  ok: boolean,
  lines: () => string[],
): number {
  for (const d of diagnostics) scope.io.err(diagnosticLine(d));
  if (out.format === 'json' || out.format === 'yaml')
    print(scope, [renderMessage(out.format, json)]);
  else if (ok) print(scope, lines());
  return ok ? 0 : 1;
}

export function diagnosticLine(d: Diagnostic): string {
  const level =
    d.severity === DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR
      ? 'error'
      : d.severity === DiagnosticSeverity.DIAGNOSTIC_SEVERITY_WARNING
        ? 'warning'
        : 'info';
  const where = `${d.source}${d.line ? `:${d.line}:${d.column}` : ''}`;
  return `${where}: ${level}: ${d.path ? `${d.path}: ` : ''}${d.message}${d.code ? ` [${d.code}]` : ''}`;
}

/** `.lua` files are Lua rule scripts (docs/lua-rules.md); anything else is Sigma YAML. */
export function ruleFormatOf(file: string): RuleFormat {
  return /\.lua$/i.test(file) ? RuleFormat.RULE_FORMAT_LUA : RuleFormat.RULE_FORMAT_SIGMA_YAML;
}

async function ruleSources(files: readonly string[]): Promise<RuleSource[]> {
  return Promise.all(
    files.map(async (name) => ({
      name,
      format: ruleFormatOf(name),
      content: await readInput(name, 'rule file'),
    })),
  );
}

/** Events as proto3 JSON: a JSON array, or one object per line (the sentinel's NDJSON). */
export async function readEvents(file: string): Promise<Event[]> {
  const text = (await readInput(file, 'events file')).trim();
  if (text === '') return [];
  const parse = (json: string, where: string): unknown => {
    try {
      return JSON.parse(json);
    } catch (err) {
      throw new OmegaError(Code.InvalidArgument, `${where}: not JSON: ${errorMessage(err)}`);
    }
  };
  if (text.startsWith('[')) {
    const array = parse(text, file);
    if (!Array.isArray(array))
      throw new OmegaError(Code.InvalidArgument, `${file}: expected an array of events`);
    return array.map((e) => Event.fromJSON(e));
  }
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => Event.fromJSON(parse(line, `${file}:${i + 1}`)));
}

async function readInput(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `${what} ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
