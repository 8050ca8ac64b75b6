#!/usr/bin/env node
// The web console's first load and its live feed, on `omega up`'s stack (trust, intelligence,
// gateway as built processes, TLS 1.3) with Debian's Chromium driven by playwright-core:
//
//   npm run build && node bench/console/bench.mjs [--alerts 10]
//
// - first-load size: the JavaScript and CSS index.html loads (apps/console/dist), gzip as the
//   gateway serves it (target: < 500 KB of JavaScript);
// - cold load: a fresh browser (no cache) opens the console, logs in with a token and renders the
//   first alert (one retained, raised before the page opened): ms to the login form, and ms from
//   "Log in" to the first alert row;
// - live: --alerts process launches published one at a time by a sentinel stand-in (signed
//   batches the shipped rules turn into alerts), ms from publish to the row in the page (p50, max).
// The load average is printed beside each figure: the stack, the browser and the bench share
// the machine's cores.
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({ options: { alerts: { type: 'string', default: '10' } } });
const load = () => `load ${loadavg()[0].toFixed(2)}`;

// The CLI's spec helpers are TypeScript that never ships in dist: compiled here as they load.
const ts = require('typescript');
Module._extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

// First-load size.
const dist = join(root, 'apps', 'console', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const loaded = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)];
let jsGzip = 0;
let cssGzip = 0;
let jsRaw = 0;
for (const [, path, kind] of loaded) {
  const body = readFileSync(join(dist, path));
  const gz = gzipSync(body).length;
  if (kind === 'js') {
    jsGzip += gz;
    jsRaw += body.length;
  } else cssGzip += gz;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `first load: JavaScript ${kb(jsGzip)} gzip (${kb(jsRaw)} raw), CSS ${kb(cssGzip)} gzip; target < 500 KB of JavaScript: ${jsGzip < 500 * 1024 ? 'met' : 'missed'}`,
);

const { LocalStack } = require(join(root, 'apps', 'cli', 'dist', 'local-stack.js'));
const { cliChannelCredentials } = require(
  join(root, 'apps', 'cli', 'dist', 'operator-identity.js'),
);
const { consoleUrl } = require(join(root, 'apps', 'cli', 'dist', 'console-invite.js'));
const { GatewayServiceClient, CreateTokenRequest } = require('@omega/proto');
const { createPromiseClient } = require('@omega/runtime');
const { TelemetrySentinel, REVERSE_SHELL_COMMAND } = require(
  join(root, 'apps', 'cli', 'src', 'testing', 'telemetry-sentinel.ts'),
);
const { launchChromium } = require(
  join(root, 'apps', 'cli', 'src', 'testing', 'console-browser.ts'),
);

const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-console-'));
const stack = new LocalStack({
  root,
  stateDir: dataDir,
  portOffset: 1000 + Math.floor(Math.random() * 1900),
  services: ['trust', 'intelligence', 'gateway'],
  out: () => undefined,
  readyTimeoutMs: 90_000,
  nodeBin: process.execPath,
});
let browser;
let sentinel;
try {
  await stack.start();
  const gatewayPort = stack.portsOf('gateway').grpcPort;
  const gateway = createPromiseClient(GatewayServiceClient, `127.0.0.1:${gatewayPort}`, {
    credentials: await cliChannelCredentials(dataDir, 'gateway'),
    timeoutMs: 20_000,
  });
  const { secret } = await gateway.createToken(
    CreateTokenRequest.fromPartial({
      subject: 'user:bench',
      roles: ['viewer'],
      description: 'bench',
    }),
  );
  gateway.close();
  sentinel = await TelemetrySentinel.enroll({
    dataDir,
    trustAddress: `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
    natsUrl: stack.natsUrl,
    node: 'bench-node',
  });
  await sentinel.launch(REVERSE_SHELL_COMMAND, 'before-the-page');
  // Wait until intelligence has the alert (it is replayed to the page from the stream).
  await new Promise((resolve) => setTimeout(resolve, 3000));

  browser = await launchChromium(join(dataDir, 'operator', 'ca.pem'));
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const rows = page.locator('button[data-alert-id]');
  const started = performance.now();
  await page.goto(consoleUrl(gatewayPort, true));
  await page.getByLabel('Token').waitFor();
  const formMs = performance.now() - started;
  await page.getByLabel('Token').fill(secret);
  const clicked = performance.now();
  await page.getByRole('button', { name: 'Log in' }).click();
  await rows.first().waitFor({ timeout: 30_000 });
  const firstAlertMs = performance.now() - clicked;
  console.log(
    `cold load: login form after ${formMs.toFixed(0)} ms; first alert rendered ${firstAlertMs.toFixed(0)} ms after "Log in" (${(performance.now() - started).toFixed(0)} ms from navigation) (${load()})`,
  );

  const latencies = [];
  for (let i = 0; i < Number(args.alerts); i++) {
    const before = await rows.count();
    const published = performance.now();
    await sentinel.launch(REVERSE_SHELL_COMMAND, `live-${i}`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('button[data-alert-id]').length > n,
      before,
      { timeout: 30_000, polling: 'raf' },
    );
    latencies.push(performance.now() - published);
  }
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)];
  console.log(
    `live: publish → row rendered p50 ${p50.toFixed(0)} ms, max ${latencies.at(-1).toFixed(0)} ms over ${latencies.length} alerts (${load()})`,
  );
} finally {
  await browser?.close();
  await sentinel?.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
