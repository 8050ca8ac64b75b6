#!/usr/bin/env bash
# Scaffolds a project with the workspace's layout.
#   new-project.sh lib NAME "one-line purpose" [dep ...]
#   new-project.sh app NAME "one-line purpose" [--streams A,B] [--kv a,b]
# An app gets the skeleton every service shares: main.ts (wires) → NAME-service.ts (build and
# resources) → NAME-config.ts, NAME-grpc.ts, NAME-metrics.ts, a spec that starts it on a real
# nats-server, src/testing/ (spec helpers, never in dist), Dockerfile, jest config and project.json.
# Its gRPC service (NameService in proto/omega/v1/NAME.proto) answers UNIMPLEMENTED until built.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() {
  echo "usage: $0 lib NAME \"purpose\" [dep ...] | $0 app NAME \"purpose\" [--streams A,B] [--kv a,b]" >&2
  exit 2
}
[ $# -ge 3 ] || usage
kind=$1 name=$2 purpose=$3
shift 3
case "$kind" in lib | app) ;; *) usage ;; esac
[[ "$name" =~ ^[a-z][a-z0-9-]*$ ]] || { echo "$0: NAME '$name' must be kebab-case" >&2; exit 2; }
dir=${kind}s/$name

# Writes stdin to a file, replacing the __placeholders__ (the file's text is never a shell script).
render() {
  local text
  text=$(cat)
  text=${text//__name__/$name}
  text=${text//__Name__/$Name}
  text=${text//__NAME__/$NAME}
  text=${text//__purpose__/$purpose}
  text=${text//__resources__/$resources}
  text=${text//__grpcPort__/$grpcPort}
  text=${text//__httpPort__/$httpPort}
  text=${text//__deps__/$deps}
  text=${text//__refs__/$refs}
  mkdir -p "$(dirname "$1")"
  printf '%s\n' "$text" >"$1"
}

# The root package.json's version of a dependency, so every package asks for the same one.
rootVersion() {
  node -p "const p = require('./package.json'); (p.dependencies ?? {})['$1'] ?? (p.devDependencies ?? {})['$1'] ?? '*'"
}

# Adds the project to tsconfig.build.json's references (the build order of `npm run build`).
addBuildReference() {
  node -e "
    const fs = require('node:fs');
    const config = JSON.parse(fs.readFileSync('tsconfig.build.json', 'utf8'));
    if (!config.references.some((r) => r.path === '$dir')) {
      config.references.push({ path: '$dir' });
      fs.writeFileSync('tsconfig.build.json', JSON.stringify(config, null, 2) + '\n');
    }"
}

Name=$(node -p "'$name'.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')")
NAME=$(node -p "'$name'.toUpperCase().replace(/-/g, '_')")
resources='' grpcPort='' httpPort='' deps='' refs=''

if [ "$kind" = lib ]; then
  mkdir -p "$dir/src"
  for d in "$@"; do
    deps="$deps\"@omega/$d\": \"*\","
    refs="$refs{ \"path\": \"../../libs/$d\" },"
  done
  deps=${deps%,} refs=${refs%,}
  render "$dir/package.json" <<'JSON'
{
  "name": "@omega/__name__",
  "version": "0.1.0",
  "private": true,
  "description": "__purpose__",
  "type": "commonjs",
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "@omega/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "dependencies": { __deps__ }
}
JSON
  render "$dir/tsconfig.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/tsconfig.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/testing/**"],
  "references": [ __refs__ ]
}
JSON
else
  streams='' kv=''
  while [ $# -gt 0 ]; do
    case "$1" in
      --streams) streams=$2; shift 2 ;;
      --kv) kv=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  proto=libs/proto/src/gen/omega/v1/$name.ts
  if ! grep -q "^export const ${Name}ServiceService = " "$proto" 2>/dev/null; then
    echo "$0: no ${Name}ServiceService in $proto: define service ${Name}Service in proto/omega/v1/$name.proto and run npm run proto:gen first" >&2
    exit 1
  fi
  # Local ports: the service's entry in libs/service/src/local-ports.ts (gRPC, metrics/health HTTP).
  ports=$(node -e '
    const [name, file] = process.argv.slice(1);
    const text = require("node:fs").readFileSync(file, "utf8");
    const names = [...(text.match(/SERVICE_NAMES = \[([^\]]*)\]/)?.[1] ?? "").matchAll(/'"'"'([^'"'"']+)'"'"'/g)].map((m) => m[1]);
    const grpc = new RegExp(`\\s'"'"'?${name}'"'"'?: (\\d+),`).exec(text);
    if (!names.includes(name) || !grpc) process.exit(1);
    console.log(grpc[1], 9464 + names.indexOf(name));
  ' "$name" libs/service/src/local-ports.ts) || {
    echo "$0: '$name' has no ports in libs/service/src/local-ports.ts: add it to SERVICE_NAMES and GRPC_PORTS" >&2
    exit 1
  }
  read -r grpcPort httpPort <<<"$ports"
  quoted() { if [ -n "$1" ]; then printf "'%s', " ${1//,/ } | sed 's/, $//'; fi; }
  resources="{ streams: [$(quoted "$streams")]"
  if [ -n "$kv" ]; then resources="$resources, kv: [$(quoted "$kv")]"; fi
  resources="$resources }"
  render "$dir/package.json" <<JSON
{
  "name": "@omega/__name__",
  "version": "0.1.0",
  "private": true,
  "description": "Omega __name__ service",
  "type": "commonjs",
  "main": "./dist/main.js",
  "dependencies": {
    "@grpc/grpc-js": "$(rootVersion @grpc/grpc-js)",
    "@omega/bus": "*",
    "@omega/proto": "*",
    "@omega/runtime": "*",
    "@omega/service": "*",
    "prom-client": "$(rootVersion prom-client)",
    "zod": "$(rootVersion zod)"
  },
  "devDependencies": {
    "@omega/testkit": "*"
  }
}
JSON
  render "$dir/tsconfig.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": {
    "rootDir": "src",
    "outDir": "dist",
    "tsBuildInfoFile": "dist/tsconfig.tsbuildinfo"
  },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/testing/**"],
  "references": [
    { "path": "../../libs/service" },
    { "path": "../../libs/runtime" },
    { "path": "../../libs/proto" },
    { "path": "../../libs/bus" }
  ]
}
JSON
  render "$dir/Dockerfile" <<'DOCKERFILE'
# syntax=docker/dockerfile:1
# Omega __name__. Build from the repository root:
#   docker build -f apps/__name__/Dockerfile -t omega-__name__ .
# Stage 1 compiles the workspace's TypeScript and keeps production dependencies only; the final
# image holds Node.js 24, node_modules, the libraries' and this app's built code.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY libs/ libs/
COPY apps/ apps/
# Not `npm ci`: npm 11 refuses a lock that lacks other platforms' optional binaries. Scripts off:
# nothing here needs them, and the `node` devDependency would fetch a second Node.js.
RUN npm install --no-audit --no-fund --ignore-scripts \
 && node node_modules/typescript/bin/tsc -b apps/__name__ \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/libs ./libs
COPY --from=build /src/apps/__name__ ./apps/__name__
# Non-root; the chart also makes the root filesystem read-only.
USER 10001:10001
EXPOSE __grpcPort__ __httpPort__
ENTRYPOINT ["node", "apps/__name__/dist/main.js"]
DOCKERFILE
  render "$dir/src/main.ts" <<'TS'
// __Name__ entry point: __purpose__
import { main } from '@omega/service';
import { build__Name__, __NAME___RESOURCES, __name__ServiceConfigSchema } from './__name__-service';

main({
  name: '__name__',
  configSchema: __name__ServiceConfigSchema,
  resources: __NAME___RESOURCES,
  build: build__Name__,
});
TS
  render "$dir/src/$name-service.ts" <<'TS'
// Builds the __name__ service's parts on a running service harness: its metrics and gRPC handlers
// (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { __Name__ServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { __name__ConfigSchema } from './__name__-config';
import { __name__GrpcHandlers } from './__name__-grpc';
import { __name__Metrics } from './__name__-metrics';

export const __name__ServiceConfigSchema = baseConfigSchema.extend({
  __name__: __name__ConfigSchema,
});
export type __Name__ServiceConfig = z.output<typeof __name__ServiceConfigSchema>;

export const __NAME___RESOURCES: ResourceSelection = __resources__;

export function build__Name__({ service }: ServiceParts<__Name__ServiceConfig>): void {
  const handlers = __name__GrpcHandlers();
  const unbuilt = Object.keys(__Name__ServiceService).filter((method) => !(method in handlers));
  __name__Metrics(service.metrics).unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    __Name__ServiceService,
    implementService(__Name__ServiceService, handlers, service.handlerOptions),
  );
}
TS
  render "$dir/src/$name-config.ts" <<'TS'
// The `__name__` section of the service's configuration (OMEGA___NAME___* variables or the file's
// `__name__:` key); its settings arrive with the features that need them.
import { z } from 'zod';

export const __name__ConfigSchema = z.strictObject({}).prefault({});

export type __Name__Config = z.output<typeof __name__ConfigSchema>;
TS
  render "$dir/src/$name-grpc.ts" <<'TS'
// The __Name__Service RPCs built so far: plain async functions of (request, call context); every
// method not here answers UNIMPLEMENTED ("<method> is not built yet") through implementService.
import type { __Name__ServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';

export function __name__GrpcHandlers(): ServiceHandlers<typeof __Name__ServiceService> {
  return {};
}
TS
  render "$dir/src/$name-metrics.ts" <<'TS'
// Prometheus metrics of the __name__ service, on the service's registry.
import { Gauge, type Registry } from 'prom-client';

export interface __Name__Metrics {
  /** Methods of __Name__Service that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
}

export function __name__Metrics(registry: Registry): __Name__Metrics {
  return {
    unimplementedMethods: new Gauge({
      name: 'omega___name___grpc_methods_unimplemented',
      help: 'Methods of __Name__Service that answer UNIMPLEMENTED because they are not built yet',
      registers: [registry],
    }),
  };
}
TS
  render "$dir/src/testing/start-$name.ts" <<'TS'
// Test-only: runs the __name__ service on free ports against a test nats-server.
import { runService, type RunningService } from '@omega/service';
import { localServiceEnv } from '@omega/testkit';
import {
  build__Name__,
  __NAME___RESOURCES,
  __name__ServiceConfigSchema,
  type __Name__ServiceConfig,
} from '../__name__-service';

export function start__Name__(natsUrl: string): Promise<RunningService<__Name__ServiceConfig>> {
  return runService({
    name: '__name__',
    configSchema: __name__ServiceConfigSchema,
    resources: __NAME___RESOURCES,
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl),
    build: build__Name__,
  });
}
TS
  render "$dir/src/$name-service.spec.ts" <<'TS'
// The __name__ service on a real nats-server and real gRPC: it provisions its resources, serves
// __Name__Service, and answers each method not built yet with UNIMPLEMENTED naming the method.
import { status } from '@grpc/grpc-js';
import { __Name__ServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { unaryAnswers, withNats } from '@omega/testkit';
import { __NAME___RESOURCES, type __Name__ServiceConfig } from './__name__-service';
import { start__Name__ } from './testing/start-__name__';

const nats = withNats({ jetstream: true });
let running: RunningService<__Name__ServiceConfig>;

beforeAll(async () => {
  running = await start__Name__(nats.url);
}, 30_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

describe('__name__ service', () => {
  it('provisions its streams and key-value buckets (a bucket is the stream KV_<bucket>)', async () => {
    const expected = [
      ...(__NAME___RESOURCES.streams ?? []),
      ...(__NAME___RESOURCES.kv ?? []).map((bucket) => `KV_${bucket}`),
    ];
    for (const stream of expected) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
  });

  it('answers every unary __Name__Service method not built yet with UNIMPLEMENTED naming it', async () => {
    const answers = await unaryAnswers(`127.0.0.1:${running.grpcPort}`, __Name__ServiceService);
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer).toEqual({
        path: answer.path,
        code: status.UNIMPLEMENTED,
        details: `${answer.path} is not built yet`,
      });
    }
  });

  it('reports how many methods are not built yet', async () => {
    const gauge = running.service.metrics.getSingleMetric(
      'omega___name___grpc_methods_unimplemented',
    );
    expect((await gauge?.get())?.values[0]?.value).toBe(
      Object.keys(__Name__ServiceService).length,
    );
  });
});
TS
fi

render "$dir/project.json" <<JSON
{
  "name": "__name__",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$([ "$kind" = app ] && echo application || echo library)",
  "tags": ["type:$kind"],
  "targets": {
    "build": { "command": "tsc -b $dir" },
    "test": { "command": "jest -c $dir/jest.config.cjs" },
    "lint": { "command": "eslint $dir" }
  }
}
JSON
render "$dir/jest.config.cjs" <<'JS'
module.exports = require('../../jest.preset.cjs')(__dirname);
JS
addBuildReference
npx prettier --log-level warn --write "$dir"
echo "new-project: wrote $dir"
