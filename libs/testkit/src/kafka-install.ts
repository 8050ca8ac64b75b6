// Where the Kafka test broker's pieces are: the pinned release's jars in the cache that
// scripts/kafka-setup.mjs fills, and a Java runtime.
import { accessSync, constants as fsConstants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';

/** The Kafka release Omega is tested against; scripts/kafka-setup.mjs caches exactly this. */
export const KAFKA_VERSION = '3.9.1';
export const KAFKA_SCALA_VERSION = '2.13';
/** The command that fills the cache this kit reads (`npm run setup` runs it too). */
export const KAFKA_SETUP_COMMAND = 'node scripts/kafka-setup.mjs';

/** The cached broker jars: `<OMEGA_CACHE_DIR or ~/.cache/omega>/kafka-<version>/libs`. */
export function kafkaLibsDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheDir = env['OMEGA_CACHE_DIR'] ?? join(env['HOME'] ?? homedir(), '.cache', 'omega');
  return join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
}

/** `$JAVA_HOME/bin/java`, else `java` on PATH; an OmegaError saying what to install otherwise. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const home = env['JAVA_HOME'];
  if (home && isExecutable(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'java'))) return join(dir, 'java');
  }
  throw new OmegaError(
    Code.FailedPrecondition,
    'java not found (looked at $JAVA_HOME/bin/java and PATH); the Kafka test broker needs Java 17: ' +
      'sudo apt-get install openjdk-17-jre-headless',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
