// The generated common messages speak the same wire format as an independent implementation
// (protobufjs reading proto/ directly), in both directions, including 64-bit nanosecond times.
import { commonFixtures, loadProtobufjsRoot, toObjectOptions } from './common.fixtures';
import { AuditRef, EventBatch, TimeRange } from './index';

const root = loadProtobufjsRoot();
const pbType = (typeName: string) => root.lookupType(typeName);
const fixtureCases = commonFixtures.map(
  (fixture) => [fixture.type.$type, fixture.name, fixture] as const,
);

describe('common messages encoded by ts-proto', () => {
  test.each(fixtureCases)(
    '%s (%s) decode in protobufjs to the expected fields',
    (typeName, _name, fixture) => {
      const bytes = fixture.type.encode(fixture.ts).finish();
      const decoded = pbType(typeName).decode(bytes);
      expect(pbType(typeName).toObject(decoded, toObjectOptions)).toEqual(fixture.pb);
    },
  );

  test.each(fixtureCases)(
    '%s (%s) are byte-identical to protobufjs encoding',
    (typeName, _name, fixture) => {
      const type = pbType(typeName);
      const theirs = Buffer.from(type.encode(type.fromObject(fixture.pb)).finish());
      expect(Buffer.from(fixture.type.encode(fixture.ts).finish()).toString('hex')).toBe(
        theirs.toString('hex'),
      );
    },
  );
});

describe('common messages encoded by protobufjs', () => {
  test.each(fixtureCases)(
    '%s (%s) decode in ts-proto to the expected object',
    (typeName, _name, fixture) => {
      const type = pbType(typeName);
      const bytes = type.encode(type.fromObject(fixture.pb)).finish();
      expect(fixture.type.decode(bytes)).toEqual(fixture.ts);
    },
  );
});

describe('EventBatch signature coverage', () => {
  test('the signature (field 15) is written last, after lost_records and dropped_events', () => {
    const batch = commonFixtures.find((fixture) => fixture.type === EventBatch)!;
    const bytes = EventBatch.encode(batch.ts as EventBatch).finish();
    const unsigned = EventBatch.encode({
      ...(batch.ts as EventBatch),
      signature: undefined,
    }).finish();
    // The signed bytes are a prefix of the whole encoding, and field 15 (tag 0x7a) follows them.
    expect(Buffer.from(bytes.subarray(0, unsigned.length))).toEqual(Buffer.from(unsigned));
    expect(bytes[unsigned.length]).toBe(0x7a);
    // The counters are inside the signed bytes.
    expect(EventBatch.decode(unsigned)).toMatchObject({
      lostRecords: 3n,
      droppedEvents: 9007199254740993n,
    });
  });
});

describe('64-bit values', () => {
  const maxUint64 = 18446744073709551615n;

  test('fixed64 nanosecond times keep every digit beyond 2^53', () => {
    const ns = 1732350060123456789n; // as a double: 1732350060123456768
    expect(BigInt(Number(ns))).not.toBe(ns);
    const bytes = TimeRange.encode({ startTimeNs: ns, endTimeNs: ns + 1n }).finish();
    // fixed64 field 1 (tag 0x09) and field 2 (tag 0x11), little-endian.
    expect(Buffer.from(bytes).toString('hex')).toBe('0915054988338b0a18' + '1116054988338b0a18');
    expect(TimeRange.decode(bytes)).toEqual({ startTimeNs: ns, endTimeNs: ns + 1n });
  });

  test('the largest fixed64 and uint64 survive ts-proto -> protobufjs -> ts-proto', () => {
    const batch = {
      sender: undefined,
      sessionId: 's',
      sequence: maxUint64,
      createdTimeNs: maxUint64,
      events: [],
      lostRecords: 0n,
      droppedEvents: 0n,
    };
    const viaPb = pbType('omega.v1.EventBatch').decode(EventBatch.encode(batch).finish());
    expect(pbType('omega.v1.EventBatch').toObject(viaPb, toObjectOptions)).toEqual({
      sessionId: 's',
      sequence: '18446744073709551615',
      createdTimeNs: '18446744073709551615',
    });
    const back = EventBatch.decode(pbType('omega.v1.EventBatch').encode(viaPb).finish());
    expect(back.sequence).toBe(maxUint64);
    expect(back.createdTimeNs).toBe(maxUint64);
  });

  test('uint64 values are bigints after decoding, also below 2^53', () => {
    const decoded = AuditRef.decode(
      pbType('omega.v1.AuditRef').encode({ logIndex: 7, checkpointSize: 8 }).finish(),
    );
    expect(decoded.logIndex).toBe(7n);
    expect(decoded.checkpointSize).toBe(8n);
  });
});
