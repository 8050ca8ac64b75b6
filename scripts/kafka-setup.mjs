#!/usr/bin/env node
// Puts Apache Kafka's broker jars (pinned version, from Maven Central through Maven) into a cache
// outside the repo, so libs/testkit can start a real single-node KRaft broker with `java`.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Keep in step with libs/testkit/src/kafka-install.ts (KAFKA_VERSION, KAFKA_SCALA_VERSION).
export const KAFKA_VERSION = '3.9.1';
export const KAFKA_SCALA_VERSION = '2.13';
// Kafka's broker logs through slf4j; 3.9 leaves the binding to the distribution, which ships reload4j.
const SLF4J_VERSION = '1.7.36';
/** Written last: a cache dir without it is an interrupted fetch and is fetched again. */
export const KAFKA_CACHE_MARKER = '.complete';

export function kafkaCacheDir(env = process.env) {
  const root = env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega');
  return join(root, `kafka-${KAFKA_VERSION}`);
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function say(line) {
  process.stderr.write(`omega setup: ${line}\n`);
}

const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.omega</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${KAFKA_SCALA_VERSION}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * Makes sure `<cache>/kafka-<version>/libs` holds the broker's runtime jars. Returns true when they
 * are there (fetched now or before); says what to install and returns false otherwise.
 */
export function ensureKafkaCache(env = process.env) {
  const dir = kafkaCacheDir(env);
  const libs = join(dir, 'libs');
  if (existsSync(join(dir, KAFKA_CACHE_MARKER))) return true;
  const missing = [];
  if (!has('java')) missing.push('openjdk-17-jre-headless');
  if (!has('mvn')) missing.push('maven');
  if (missing.length > 0) {
    say(
      `Kafka ${KAFKA_VERSION} for the orchestrator's Kafka tests needs ${missing.join(' and ')}:\n` +
        `  sudo apt-get install ${missing.join(' ')}\nthen run: node scripts/kafka-setup.mjs`,
    );
    return false;
  }
  say(`fetching Apache Kafka ${KAFKA_VERSION} jars with Maven into ${libs} (once, ~30 s)…`);
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'omega-kafka-pom-'));
  const staging = join(dir, `libs.partial-${process.pid}`);
  try {
    writeFileSync(join(work, 'pom.xml'), POM);
    const res = spawnSync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(work, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${staging}`,
        '-DincludeScope=runtime',
      ],
      { stdio: 'inherit' },
    );
    const jars = existsSync(staging) ? readdirSync(staging).filter((f) => f.endsWith('.jar')) : [];
    if (res.status !== 0 || !jars.includes(`kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar`)) {
      say(
        `mvn dependency:copy-dependencies failed (exit ${res.status ?? res.signal}); ` +
          `Maven must reach Maven Central (or a mirror in ~/.m2/settings.xml)`,
      );
      return false;
    }
    rmSync(libs, { recursive: true, force: true });
    renameSync(staging, libs);
    writeFileSync(join(dir, KAFKA_CACHE_MARKER), `${jars.sort().join('\n')}\n`);
    say(
      `Kafka ${KAFKA_VERSION}: ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(ensureKafkaCache() ? 0 : 1);
}
