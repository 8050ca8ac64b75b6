// Sigma value modifiers (Sigma modifiers appendix v2.1.0): validation of a modifier chain and the
// value transformations (base64, base64offset, windash) that run once, at compile time.
import { invalidRule, unsupportedFeature, type SourcePosition } from './sigma-rule-error';
import { escapeSigmaLiteral, hasWildcards, parseSigmaString } from './sigma-string';

export type Comparison =
  | 'equals'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 're'
  | 'cidr'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'exists'
  | 'fieldref';

export type ValueTransform = 'base64' | 'base64offset' | 'windash';

export interface ModifierChain {
  readonly comparison: Comparison;
  /** Applied to each rule value in order, before the comparison. */
  readonly transforms: readonly ValueTransform[];
  /** `all`: every value must match (default: any). */
  readonly all: boolean;
  /** `cased`: case-sensitive string matching (default: insensitive; `re` is always cased unless `i`). */
  readonly cased: boolean;
  /** `neq`: the field must differ from every value. */
  readonly negated: boolean;
  /** `re` sub-modifiers i, m, s as RegExp flags. */
  readonly regexFlags: string;
}

const COMPARISONS: ReadonlySet<string> = new Set([
  'contains',
  'startswith',
  'endswith',
  're',
  'cidr',
  'lt',
  'lte',
  'gt',
  'gte',
  'exists',
  'fieldref',
]);
const TRANSFORMS: ReadonlySet<string> = new Set(['base64', 'base64offset', 'windash']);
const UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['utf16le', 'UTF-16 encodings apply to Windows event text, not Omega events'],
  ['utf16be', 'UTF-16 encodings apply to Windows event text, not Omega events'],
  ['utf16', 'UTF-16 encodings apply to Windows event text, not Omega events'],
  ['wide', 'UTF-16 encodings apply to Windows event text, not Omega events'],
  ['expand', 'placeholders need a processing pipeline that defines their values'],
  ['minute', 'time modifiers need date-valued fields; the mapped fields have none'],
  ['hour', 'time modifiers need date-valued fields; the mapped fields have none'],
  ['day', 'time modifiers need date-valued fields; the mapped fields have none'],
  ['week', 'time modifiers need date-valued fields; the mapped fields have none'],
  ['month', 'time modifiers need date-valued fields; the mapped fields have none'],
  ['year', 'time modifiers need date-valued fields; the mapped fields have none'],
]);

/** Validates `Field|m1|m2...` modifiers; rejects unknown ones and unsupported ones by name. */
export function parseModifierChain(
  modifiers: readonly string[],
  where: string,
  pos: SourcePosition,
): ModifierChain {
  let comparison: Comparison = 'equals';
  const transforms: ValueTransform[] = [];
  let all = false;
  let cased = false;
  let negated = false;
  let regexFlags = '';
  for (const raw of modifiers) {
    const modifier = raw.toLowerCase();
    if (COMPARISONS.has(modifier)) {
      if (comparison !== 'equals') {
        throw invalidRule(
          `${where}: modifiers '${comparison}' and '${modifier}' both choose the comparison`,
          pos,
        );
      }
      comparison = modifier as Comparison;
    } else if (TRANSFORMS.has(modifier)) {
      if (
        comparison !== 'equals' &&
        comparison !== 'contains' &&
        comparison !== 'startswith' &&
        comparison !== 'endswith'
      ) {
        throw invalidRule(`${where}: '${modifier}' cannot follow '${comparison}'`, pos);
      }
      transforms.push(modifier as ValueTransform);
    } else if (modifier === 'all') {
      all = true;
    } else if (modifier === 'cased') {
      cased = true;
    } else if (modifier === 'neq') {
      negated = true;
    } else if (modifier === 'i' || modifier === 'm' || modifier === 's') {
      if (comparison !== 're')
        throw invalidRule(`${where}: '${modifier}' is a sub-modifier of 're' only`, pos);
      if (!regexFlags.includes(modifier)) regexFlags += modifier;
    } else if (UNSUPPORTED.has(modifier)) {
      throw unsupportedFeature(
        `${where}: modifier '${modifier}' is not supported: ${UNSUPPORTED.get(modifier)}`,
        pos,
      );
    } else {
      throw invalidRule(`${where}: unknown modifier '${raw}'`, pos);
    }
  }
  if (negated && comparison !== 'equals' && comparison !== 'fieldref') {
    throw unsupportedFeature(`${where}: 'neq' with '${comparison}' is not supported`, pos);
  }
  if (
    comparison === 'cidr' ||
    comparison === 'exists' ||
    comparison === 'lt' ||
    comparison === 'lte' ||
    comparison === 'gt' ||
    comparison === 'gte'
  ) {
    if (transforms.length > 0)
      throw invalidRule(
        `${where}: '${transforms[0]}' cannot be combined with '${comparison}'`,
        pos,
      );
  }
  if (comparison === 'exists' && all)
    throw invalidRule(`${where}: 'all' cannot be combined with 'exists'`, pos);
  return { comparison, transforms, all, cased, negated, regexFlags };
}

/** Applies the chain's value transforms to one string value; each may expand it into variants. */
export function transformValue(
  value: string,
  transforms: readonly ValueTransform[],
  where: string,
  pos: SourcePosition,
): string[] {
  let variants = [value];
  for (const transform of transforms) {
    const next: string[] = [];
    for (const variant of variants) {
      switch (transform) {
        case 'windash':
          next.push(...windashVariants(variant));
          break;
        case 'base64':
          next.push(
            escapeSigmaLiteral(
              Buffer.from(plainValue(variant, transform, where, pos), 'utf8').toString('base64'),
            ),
          );
          break;
        case 'base64offset':
          next.push(
            ...base64OffsetVariants(plainValue(variant, transform, where, pos)).map(
              escapeSigmaLiteral,
            ),
          );
          break;
      }
    }
    variants = next;
  }
  return variants;
}

function plainValue(value: string, transform: string, where: string, pos: SourcePosition): string {
  if (hasWildcards(value))
    throw invalidRule(`${where}: '${transform}' value '${value}' contains wildcards`, pos);
  return parseSigmaString(value).join('');
}

/**
 * The three encodings of `value` at byte offsets 0, 1 and 2 of a longer base64 text, with the
 * position-dependent first and last characters cut (pySigma's SigmaBase64OffsetModifier).
 */
export function base64OffsetVariants(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const startOffsets = [0, 2, 3];
  const endOffsets = [undefined, -3, -2];
  const variants: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, ' '), bytes]).toString('base64');
    variants.push(encoded.slice(startOffsets[shift], endOffsets[(bytes.length + shift) % 3]));
  }
  return variants;
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_WINDASH_POSITIONS = 4;

/**
 * Every permutation of `-`, `/`, en dash, em dash and horizontal bar at each dash that starts a
 * command-line flag: not after a word character, before one (pySigma's windash: `\B[-/]\b`).
 */
export function windashVariants(value: string): string[] {
  const positions: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const before = i === 0 ? '' : value[i - 1]!;
    const after = value[i + 1] ?? '';
    if (DASHES.includes(value[i]!) && !/\w/.test(before) && /\w/.test(after)) positions.push(i);
  }
  if (positions.length === 0) return [value];
  if (positions.length > MAX_WINDASH_POSITIONS) {
    // 5^n variants grow fast; beyond a few flags, vary all dashes together.
    return DASHES.map((dash) =>
      positions.reduce((text, at) => text.slice(0, at) + dash + text.slice(at + 1), value),
    );
  }
  let variants = [value];
  for (const at of positions) {
    variants = variants.flatMap((text) =>
      DASHES.map((dash) => text.slice(0, at) + dash + text.slice(at + 1)),
    );
  }
  return [...new Set(variants)];
}
