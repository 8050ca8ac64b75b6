// RESP2 replies as a Redis server writes them (the parser library decodes; nothing there encodes).
export type RedisReply =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'bulk'; readonly value: string | Buffer | null }
  | { readonly type: 'array'; readonly value: readonly RedisReply[] | null };

export const reply = {
  simple: (value: string): RedisReply => ({ type: 'simple', value }),
  error: (value: string): RedisReply => ({ type: 'error', value }),
  integer: (value: number): RedisReply => ({ type: 'integer', value }),
  bulk: (value: string | Buffer | null): RedisReply => ({ type: 'bulk', value }),
  array: (value: readonly RedisReply[] | null): RedisReply => ({ type: 'array', value }),
  bulks: (values: readonly string[]): RedisReply => ({
    type: 'array',
    value: values.map((value) => ({ type: 'bulk', value })),
  }),
  ok: { type: 'simple', value: 'OK' } as RedisReply,
};

/** The bytes of one reply on the wire. */
export function encodeReply(value: RedisReply): Buffer {
  switch (value.type) {
    case 'simple':
      return Buffer.from(`+${value.value.replace(/[\r\n]/g, ' ')}\r\n`);
    case 'error':
      return Buffer.from(`-${value.value.replace(/[\r\n]/g, ' ')}\r\n`);
    case 'integer':
      return Buffer.from(`:${value.value}\r\n`);
    case 'bulk': {
      if (value.value === null) return Buffer.from('$-1\r\n');
      const body = Buffer.isBuffer(value.value) ? value.value : Buffer.from(value.value);
      return Buffer.concat([Buffer.from(`$${body.length}\r\n`), body, Buffer.from('\r\n')]);
    }
    case 'array':
      if (value.value === null) return Buffer.from('*-1\r\n');
      return Buffer.concat([
        Buffer.from(`*${value.value.length}\r\n`),
        ...value.value.map(encodeReply),
      ]);
  }
}
