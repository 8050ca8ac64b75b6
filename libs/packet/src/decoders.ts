// The decoders compiled into @omega/packet from its shipped specs, by protocol name.
import type { GeneratedDecoder } from './capture-decoder';
import { ITCH50_LENGTHS, itch50Record } from './generated/itch50';

export const DECODERS: Readonly<Record<string, GeneratedDecoder>> = {
  itch50: { lengths: ITCH50_LENGTHS, record: itch50Record },
};

/** The folder of the shipped spec files (`<protocol>.yaml`), for tools that read them. */
export const SHIPPED_SPECS_DIR = `${__dirname}/../specs`;
