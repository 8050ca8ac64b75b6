// Conformance run's global setup: stops at once, naming the path and the fix, when the outside
// vectors are not there (they are never vendored, so a missing folder must not pass as green).
const { existsSync } = require('node:fs');
const path = require('node:path');

/** Folders of OMEGA_VECTORS_DIR that a conformance spec reads. */
const REQUIRED = ['market'];

module.exports = async function checkConformanceVectors() {
  const root = process.env.OMEGA_VECTORS_DIR;
  const missing = REQUIRED.map((name) => path.join(root, name)).filter((dir) => !existsSync(dir));
  if (missing.length > 0) {
    throw new Error(
      `conformance vectors missing: ${missing.join(', ')} does not exist. ` +
        'Put the shared vectors folder beside the repository (../shared/vectors) or set ' +
        'OMEGA_VECTORS_DIR to a folder holding market/ (the Open-Markets-Initiative captures).',
    );
  }
};
