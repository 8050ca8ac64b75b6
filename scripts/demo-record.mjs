#!/usr/bin/env node
// Records the demo's replay scenario from a live run (root, Linux, eBPF): `npm run demo:record`.
// The live demo runs with --record test-corpus/demo, which writes the victim interface's capture
// (tcpdump), the attack's process events as the sentinel published them, and the step windows.
// The demo writes them only if every step was detected, so replay mode never ships a bad take.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'test-corpus', 'demo');
if (process.getuid?.() !== 0) {
  process.stderr.write('demo-record: a live run needs root (network namespaces, eBPF)\n');
  process.exit(1);
}
const take = mkdtempSync(join(tmpdir(), 'omega-demo-record-'));
const res = spawnSync(
  process.execPath,
  [join(root, 'scripts', 'bootstrap.mjs'), 'demo', '--record', take],
  { cwd: root, stdio: 'inherit' },
);
if (res.status !== 0) {
  // A stage after detection may fail (e.g. a playbook); the recording only needs the detections.
  process.stderr.write(
    `demo-record: the live run exited ${res.status}; keeping its recording if written\n`,
  );
}
const files = readdirSync(take);
if (!['capture.pcap', 'process-events.ndjson', 'scenario.json'].every((f) => files.includes(f))) {
  process.stderr.write(
    `demo-record: the run did not write a full recording (got ${files.join(', ')})\n`,
  );
  rmSync(take, { recursive: true, force: true });
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const file of files) copyFileSync(join(take, file), join(target, file));
rmSync(take, { recursive: true, force: true });
process.stdout.write(
  `demo-record: wrote ${files.map((f) => join('test-corpus', 'demo', f)).join(', ')}\n`,
);
