// ProtoWriter's varints against @bufbuild/protobuf's BinaryWriter (what ts-proto writes with), at
// every width from one byte to a 2^53 - 1 log index. Whole messages are checked where they are
// written: apps/sentinel event-encoders.spec and apps/trust batch-answer.spec.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { ProtoWriter, varintSize } from './proto-writer';

const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1];
const beyond32 = [2 ** 32, 2 ** 35 - 1, 2 ** 35, 2 ** 40 + 3, 2 ** 42, 2 ** 49 + 7, 2 ** 53 - 1];

const theirs = (value: number) =>
  Buffer.from(new BinaryWriter().uint64(BigInt(value)).finish()).toString('hex');

describe('ProtoWriter varints', () => {
  it.each([...values, ...beyond32])('uint53(%d) is the varint BinaryWriter writes', (value) => {
    const w = new ProtoWriter(16).uint53(value);
    expect(w.bytes().toString('hex')).toBe(theirs(value));
    expect(varintSize(value)).toBe(w.pos);
  });

  it.each(values)('uint32(%d) is the varint BinaryWriter writes', (value) => {
    expect(new ProtoWriter(16).uint32(value).bytes().toString('hex')).toBe(theirs(value));
  });
});
