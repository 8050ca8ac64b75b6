// External truth: the real ITCH 5.0 captures in OMEGA_VECTORS_DIR/market (no licence, so never in
// the repository) decode to exactly the gold NDJSON written by an independent decoder.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCapture, type DecodedMessage } from './capture-decoder';
import { DECODERS } from './decoders';
import { goldShape } from './testing/itch50-gold';

const root = process.env['OMEGA_VECTORS_DIR'];
if (!root) throw new Error('OMEGA_VECTORS_DIR is not set: run through npm run test:conformance');
const MARKET = join(root, 'market');
const itch = DECODERS['itch50']!;

/** The ITCH 5.0 captures in byte order of their paths, the order the gold file lists them in. */
function itchCaptures(): string[] {
  const dir = join(MARKET, 'Nasdaq');
  return readdirSync(dir)
    .filter((name) => name.includes('TotalView.Itch.v5.0'))
    .flatMap((name) =>
      readdirSync(join(dir, name))
        .filter((file) => file.endsWith('.pcap') && statSync(join(dir, name, file)).isFile())
        .map((file) => join(dir, name, file)),
    )
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

describe('ITCH 5.0 against the gold NDJSON', () => {
  const files = itchCaptures();

  it('finds the 49 ITCH 5.0 captures', () => {
    expect(files).toHaveLength(49);
  });

  it('decodes every capture to exactly the gold messages, in order', () => {
    const gold = readFileSync(join(MARKET, 'gold_itch50_ref.ndjson'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ours: Record<string, unknown>[] = [];
    for (const file of files) {
      const found: DecodedMessage[] = [];
      const result = decodeCapture(readFileSync(file), itch, (m) => found.push(m), file);
      expect({ file, error: result.error, malformed: result.malformed }).toEqual({
        file,
        error: undefined,
        malformed: [],
      });
      for (const m of found) {
        ours.push(goldShape(m, itch.lengths[String(m.fields['type']).charCodeAt(0)] ?? -1));
      }
    }
    expect(gold).toHaveLength(227);
    expect(ours).toEqual(gold);
  });
});
