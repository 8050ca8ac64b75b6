// The rule check the chart runs before custom rules go live (its pre-install/pre-upgrade hook Job):
// `node apps/intelligence/dist/rules-check-main.js [label=]dir...` compiles every rule file of the
// directories through intelligence's rule engine, prints each problem as `file:line:column: reason`
// and exits 1 when there is one, so `helm install` fails naming them (docs/custom-rules.md).
import { checkRuleDirectories, parseRuleDirectory } from './custom-rule-directories';

async function checkRules(args: readonly string[]): Promise<number> {
  if (args.length === 0) {
    process.stderr.write('usage: rules-check-main.js [label=]dir...\n');
    return 2;
  }
  const dirs = args.map(parseRuleDirectory);
  const what = dirs.map((d) => d.label).join(', ');
  const { loaded, problems } = await checkRuleDirectories(dirs);
  for (const problem of problems) process.stdout.write(`${problem.message}\n`);
  if (problems.length > 0) {
    process.stdout.write(
      `rules check: ${problems.length} problem(s) in ${what}; no rule of it goes live\n`,
    );
    return 1;
  }
  const ids = loaded.map((r) => `sigma:${r.compiled.rule.id}`);
  process.stdout.write(`rules check: ${ids.length} rule(s) in ${what} load: ${ids.join(', ')}\n`);
  return 0;
}

checkRules(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`rules check failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 3;
  },
);
