// UUIDv7 text against the RFC 9562 example (Appendix A.6), and the direct-to-buffer writer.
import { uuidv7, writeUuidv7Text } from './event-id';

describe('uuidv7', () => {
  it('gives the RFC 9562 example for its time and random bits', () => {
    const random = Buffer.from([0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f]);
    expect(uuidv7(0x017f22e279b0, random)).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
  });

  it('writes the same text into a buffer at an offset, and random ids differ', () => {
    const out = Buffer.alloc(40, 0x2a);
    const random = Buffer.alloc(10, 0xff);
    writeUuidv7Text(out, 2, 1, random);
    expect(out.toString('latin1')).toBe(`**${uuidv7(1, random)}**`);
    expect(uuidv7(5)).not.toBe(uuidv7(5));
  });
});
