// Test-only: maps Omega's ITCH 5.0 records onto the shape of the outside gold file
// (market/gold_itch50_ref.ndjson, written by an independent decoder from the public spec). The
// gold uses short field names and leaves two types undecoded: for N (RPII) and J (LULD collar) it
// gives only the common header, without `len_ok`. Nothing here computes a value: it renames.
import type { DecodedMessage } from '../capture-decoder';

const COMMON: [string, string][] = [];
const ORDER: [string, string][] = [['order_ref', 'order_reference_number']];

const BODY: Record<string, [string, string][] | undefined> = {
  A: [
    ...ORDER,
    ['side', 'buy_sell_indicator'],
    ['shares', 'shares'],
    ['stock', 'stock'],
    ['price', 'price'],
  ],
  F: [
    ...ORDER,
    ['side', 'buy_sell_indicator'],
    ['shares', 'shares'],
    ['stock', 'stock'],
    ['price', 'price'],
    ['mpid', 'attribution'],
  ],
  P: [
    ...ORDER,
    ['side', 'buy_sell_indicator'],
    ['shares', 'shares'],
    ['stock', 'stock'],
    ['price', 'price'],
    ['match', 'match_number'],
  ],
  X: [...ORDER, ['cancel_shares', 'cancelled_shares']],
  D: ORDER,
  E: [...ORDER, ['exec_shares', 'executed_shares'], ['match', 'match_number']],
  C: [
    ...ORDER,
    ['exec_shares', 'executed_shares'],
    ['match', 'match_number'],
    ['printable', 'printable'],
    ['exec_price', 'execution_price'],
  ],
  U: [
    ['orig_ref', 'original_order_reference_number'],
    ['new_ref', 'new_order_reference_number'],
    ['shares', 'shares'],
    ['price', 'price'],
  ],
  Y: [
    ['stock', 'stock'],
    ['regsho', 'reg_sho_action'],
  ],
  H: [
    ['stock', 'stock'],
    ['state', 'trading_state'],
    ['reserved', 'reserved'],
    ['reason', 'reason'],
  ],
  S: [['event', 'event_code']],
  Q: [
    ['shares', 'shares'],
    ['stock', 'stock'],
    ['cross_price', 'cross_price'],
    ['match', 'match_number'],
    ['cross_type', 'cross_type'],
  ],
  L: [
    ['mpid', 'mpid'],
    ['stock', 'stock'],
    ['primary_mm', 'primary_market_maker'],
    ['mm_mode', 'market_maker_mode'],
    ['mp_state', 'market_participant_state'],
  ],
  I: [
    ['paired', 'paired_shares'],
    ['imbalance', 'imbalance_shares'],
    ['dir', 'imbalance_direction'],
    ['stock', 'stock'],
    ['far', 'far_price'],
    ['near', 'near_price'],
    ['ref', 'current_reference_price'],
    ['cross_type', 'cross_type'],
    ['pvi', 'price_variation_indicator'],
  ],
};

export function goldShape(m: DecodedMessage, specLength: number): Record<string, unknown> {
  const f = m.fields;
  const type = String(f['type']);
  const row: Record<string, unknown> = {
    frame: m.frame,
    session: m.session,
    mold_seq: m.sequence,
    type,
    len: m.length,
    locate: f['stock_locate'],
    tracking: f['tracking_number'],
    ts_ns: f['timestamp'],
  };
  const body = BODY[type];
  if (!body) return row;
  row['len_ok'] = m.length === specLength;
  for (const [gold, ours] of [...COMMON, ...body]) row[gold] = f[ours];
  return row;
}
