// Test-only: where the market-data captures live. They carry no licence, so they stay outside the
// repository and only the conformance specs (`npm run test:conformance`) read them.
import { join } from 'node:path';

/** OMEGA_VECTORS_DIR/market, set (or defaulted to ../shared/vectors) by jest.conformance.config.cjs. */
export const MARKET_VECTORS_DIR = join(
  process.env['OMEGA_VECTORS_DIR'] ??
    join(__dirname, '..', '..', '..', '..', '..', 'shared', 'vectors'),
  'market',
);
