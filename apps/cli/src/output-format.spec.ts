// `-o table|wide|json|yaml`: one table renderer with headers (colour only when asked), wide's extra
// columns, and json/yaml that are the proto message's own proto3 JSON, parseable by scripts.
import { parse as parseYaml } from 'yaml';
import { Alert, ListAlertsResponse, Severity } from '@omega/proto';
import { enumLabel, isoTime, renderList, renderMessage, type Column } from './output-format';
import { colourWanted, renderStatusTable, renderTable } from './status-table';

const alert = (id: string, severity: Severity, incidentId = ''): Alert =>
  Alert.fromPartial({
    id,
    ruleId: 'detector:port-scan',
    severity,
    title: `scan ${id}`,
    incidentId,
    attackTechniqueIds: ['T1046'],
    timeNs: 1_795_434_469_084_683_024n,
  });

const COLUMNS: Column<Alert>[] = [
  { header: 'ID', value: (a) => a.id },
  {
    header: 'SEVERITY',
    value: (a) => enumLabel(Severity[a.severity], 'SEVERITY_'),
    colour: () => 'red',
  },
  { header: 'TECHNIQUES', value: (a) => a.attackTechniqueIds.join(','), wide: true },
  { header: 'TITLE', value: (a) => a.title },
];

const alerts = [
  alert('a-1', Severity.SEVERITY_HIGH, 'inc-1'),
  alert('a-22', Severity.SEVERITY_LOW),
];
const response = ListAlertsResponse.fromPartial({ alerts });

describe('the table renderer', () => {
  it('pads every column to its widest cell under a header, two spaces apart', () => {
    expect(
      renderTable(
        ['NAME', 'STATE'],
        [
          ['trust', 'ready'],
          ['intelligence', 'starting'],
        ],
      ),
    ).toEqual(['NAME          STATE', 'trust         ready', 'intelligence  starting']);
  });

  it('colours the header bold and the cells that ask only when colour is on, keeping widths', () => {
    const plain = renderTable(['A', 'B'], [[{ text: 'x', colour: 'red' }, 'y']]);
    expect(plain).toEqual(['A  B', 'x  y']);
    const coloured = renderTable(['A', 'B'], [[{ text: 'x', colour: 'red' }, 'y']], {
      colour: true,
    });
    expect(coloured).toEqual(['\x1b[1mA\x1b[0m  \x1b[1mB\x1b[0m', '\x1b[31mx\x1b[0m  y']);
  });

  it('wants colour on a terminal only, and never with NO_COLOR set', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  it('draws the local runner’s status table too', () => {
    expect(
      renderStatusTable([
        { name: 'trust', pid: 42, ports: 'grpc 50052', state: 'ready' },
        { name: 'nats', pid: undefined, ports: '4222', state: 'starting' },
      ]),
    ).toBe(
      'SERVICE  PID  PORTS       STATE\ntrust    42   grpc 50052  ready\nnats     -    4222        starting',
    );
  });
});

describe('-o', () => {
  it('table leaves out the wide columns; wide shows them', () => {
    const table = renderList({ format: 'table', colour: false }, alerts, COLUMNS, null, 'none');
    expect(table).toEqual([
      'ID    SEVERITY  TITLE',
      'a-1   high      scan a-1',
      'a-22  low       scan a-22',
    ]);
    const wide = renderList({ format: 'wide', colour: false }, alerts, COLUMNS, null, 'none');
    expect(wide[0]).toBe('ID    SEVERITY  TECHNIQUES  TITLE');
    expect(wide[1]).toBe('a-1   high      T1046       scan a-1');
  });

  it('an empty list prints the empty line in table form, and the message in json', () => {
    expect(renderList({ format: 'table', colour: false }, [], COLUMNS, {}, 'no alerts')).toEqual([
      'no alerts',
    ]);
    expect(
      renderList({ format: 'json', colour: false }, [], COLUMNS, { alerts: [] }, 'no alerts'),
    ).toEqual(['{\n  "alerts": []\n}']);
  });

  it('json is the message’s proto3 JSON: camelCase names, enum names, 64-bit numbers as strings', () => {
    const [text] = renderList(
      { format: 'json', colour: false },
      alerts,
      COLUMNS,
      ListAlertsResponse.toJSON(response),
      '',
    );
    const parsed = JSON.parse(text!) as unknown;
    expect(parsed).toEqual(ListAlertsResponse.toJSON(response));
    expect(parsed).toMatchObject({
      alerts: [
        {
          id: 'a-1',
          ruleId: 'detector:port-scan',
          severity: 'SEVERITY_HIGH',
          incidentId: 'inc-1',
          timeNs: '1795434469084683024',
        },
        { id: 'a-22', severity: 'SEVERITY_LOW' },
      ],
    });
    expect(ListAlertsResponse.fromJSON(parsed)).toEqual(response);
  });

  it('yaml parses back to the same JSON', () => {
    const json = ListAlertsResponse.toJSON(response);
    const [text] = renderList({ format: 'yaml', colour: false }, alerts, COLUMNS, json, '');
    expect(text).toMatch(/^alerts:\n {2}- id: a-1\n/);
    expect(parseYaml(text!)).toEqual(json);
    expect(renderMessage('yaml', { a: 1 })).toBe('a: 1');
  });

  it('prints times as ISO 8601 and enum names as people read them', () => {
    expect(isoTime(0n)).toBe('-');
    expect(isoTime(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123Z');
    expect(enumLabel('SEVERITY_HIGH', 'SEVERITY_')).toBe('high');
    expect(enumLabel('SOMETHING_ELSE', 'SEVERITY_')).toBe('SOMETHING_ELSE');
  });
});
