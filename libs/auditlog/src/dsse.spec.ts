// DSSE PAE against the example in the DSSE v1 protocol document.
import { dssePae } from './dsse';

describe('dssePae', () => {
  it('encodes the DSSE protocol example', () => {
    const pae = dssePae('http://example.com/HelloWorld', new TextEncoder().encode('hello world'));
    expect(Buffer.from(pae).toString('utf8')).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  it('counts lengths in bytes, not characters', () => {
    const pae = dssePae('tÿpe', new Uint8Array([0xff]));
    expect(Buffer.from(pae).subarray(0, 10).toString('latin1')).toBe('DSSEv1 5 t');
    expect(pae.length).toBe('DSSEv1 5 '.length + 5 + ' 1 '.length + 1);
  });
});
