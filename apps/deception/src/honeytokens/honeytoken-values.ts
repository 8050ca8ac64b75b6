// Honeytoken values (pure): what each kind's secret looks like, and the digests that recognize a
// use without keeping the secret. Randomness is passed in, so every shape is testable.
import { createHash, timingSafeEqual } from 'node:crypto';

/** `count` uniformly random bytes (crypto.randomBytes in the service). */
export type RandomBytes = (count: number) => Buffer;

/** A minted secret: `secret` is shown once; `id` is its companion (username, access key id). */
export interface MintedValue {
  readonly id: string;
  readonly secret: string;
}

// 256 ordinary words: one random byte picks one, so a password's words carry 8 bits each.
const WORDS = (
  'amber anchor apple arrow autumn badge basil beacon berry birch bison blade bloom bolt ' +
  'border bottle breeze brick bridge bronze brook bucket butter cabin cactus camel candle ' +
  'canyon carbon carpet castle cedar chalk cherry chess cider cinder citrus clover cobalt ' +
  'comet copper coral cotton crane crater crystal cursor dagger daisy dawn delta denim desert ' +
  'diesel dolphin dragon drift eagle ember engine falcon feather fennel ferry fiddle field ' +
  'finch flame flint forest fossil fox frost galaxy garden garnet gecko ginger glacier globe ' +
  'golden granite grape gravel harbor hazel heron hickory honey horizon hornet iris island ' +
  'ivory jacket jade jasmine jetty jungle kayak kernel kettle kiwi koala ladder lagoon lantern ' +
  'laser lemon lilac linen lizard lobster lotus lumber magnet mango maple marble meadow melon ' +
  'meteor mint mirror monsoon mosaic mustard nectar needle nickel nimbus nutmeg oasis olive ' +
  'onyx orbit orchid otter oyster paddle panda papaya parrot pebble pepper pigeon pillow pine ' +
  'planet plum pocket polar poppy prairie prism pulsar puzzle quartz quill rabbit radar raven ' +
  'reef ridge river rocket ruby saddle saffron salmon sapphire satin scarlet shadow shell ' +
  'sierra silver sketch slate sparrow spruce squid stone storm summit sunset swan tango ' +
  'thistle thunder tiger timber topaz torch tulip tundra turtle umber valley velvet violet ' +
  'walnut walrus willow window winter wolf yarrow zebra zenith zephyr acorn alpine aspen atlas ' +
  'bamboo banjo barley bramble canvas cashew cobble cypress dune elm fable fjord gadget ' +
  'hammock indigo juniper lark mocha nova pearl pixel quiver rhubarb sage tinsel velcro wander ' +
  'yonder zinnia basalt beetle blossom breaker cameo cocoa drizzle emerald falconer gondola ' +
  'harvest'
).split(' ');
const SYMBOLS = '!#$%&*?@';
const SEPARATORS = '-._';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

if (WORDS.length !== 256)
  throw new Error(`honeytoken word list has ${WORDS.length} words, not 256`);

/** A uniform integer in [0, bound) (rejection sampling over 32 bits, no modulo bias). */
export function uniform(random: RandomBytes, bound: number): number {
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  for (;;) {
    const value = random(4).readUInt32BE(0);
    if (value < limit) return value % bound;
  }
}

/** `length` characters drawn uniformly from `alphabet` (its length must divide 256). */
function drawn(random: RandomBytes, alphabet: string, length: number): string {
  if (256 % alphabet.length !== 0) throw new Error(`alphabet of ${alphabet.length} characters`);
  return [...random(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

const capitalized = (word: string): string => word[0]!.toUpperCase() + word.slice(1);

/**
 * A password that reads as a person's: four capitalized words, one separator, four digits and a
 * symbol ("Maple-Harbor-Quartz-Lantern-4821!"), about 50 bits of entropy: far past online guessing.
 */
export function humanPassword(random: RandomBytes): string {
  const words = [...random(4)].map((byte) => capitalized(WORDS[byte]!));
  const separator = SEPARATORS[uniform(random, SEPARATORS.length)]!;
  const digits = String(uniform(random, 10_000)).padStart(4, '0');
  return `${words.join(separator)}${separator}${digits}${SYMBOLS[uniform(random, SYMBOLS.length)]!}`;
}

/** A username/password pair for the username asked for. */
export function mintCredential(random: RandomBytes, username: string): MintedValue {
  return { id: username, secret: humanPassword(random) };
}

/**
 * An access key pair in the shape secret scanners match: "AKIA" + 16 base32 characters (80 random
 * bits) and a 40-character secret of the base64 alphabet (240 random bits).
 */
export function mintAccessKey(random: RandomBytes): MintedValue {
  return { id: `AKIA${drawn(random, BASE32, 16)}`, secret: drawn(random, BASE64, 40) };
}

/** A canary URL: `base` (its own path kept) + "/assets/<144 random bits, base64url>.gif". */
export function mintCanaryUrl(random: RandomBytes, base: string): MintedValue & { path: string } {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  const path = `${prefix}/assets/${random(18).toString('base64url')}.gif`;
  url.pathname = path;
  url.search = '';
  url.hash = '';
  return { id: '', secret: url.toString(), path };
}

/**
 * A DNS canary: a hostname `<label>.<zone>` whose label is 26 base32 letters and digits (130
 * random bits, lowercase since DNS ignores case).
 */
export function mintDnsCanary(random: RandomBytes, zone: string): MintedValue & { label: string } {
  const label = drawn(random, BASE32, 26).toLowerCase();
  return { id: '', secret: `${label}.${zone}`, label };
}

/** What a DNS canary label is looked up by: `dns:` + the label in lowercase. */
export function dnsCanaryKey(label: string): string {
  return `dns:${label.toLowerCase()}`;
}

/** A value for a Kubernetes Secret's data (a password, since that is what such Secrets hold). */
export function mintKubernetesSecret(random: RandomBytes): MintedValue {
  return { id: '', secret: humanPassword(random) };
}

/**
 * A service-account token in the shape of a real one (a JWT: RS256 header with a key id, the
 * usual claims, a 256-byte signature) for `namespace`/`name`. It verifies against no key.
 */
export function mintKubernetesToken(
  random: RandomBytes,
  namespace: string,
  name: string,
  nowMs: number,
): MintedValue {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(nowMs / 1000);
  const header = segment({ alg: 'RS256', kid: random(32).toString('base64url') });
  const claims = segment({
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': `${name}-token`,
    'kubernetes.io/serviceaccount/service-account.name': name,
    'kubernetes.io/serviceaccount/service-account.uid': uuidFrom(random(16)),
    sub: `system:serviceaccount:${namespace}:${name}`,
    iat,
  });
  return { id: '', secret: `${header}.${claims}.${random(256).toString('base64url')}` };
}

function uuidFrom(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** SHA-256 of salt ‖ secret: what is kept of a low-entropy secret (a person-like password). */
export function saltedDigest(salt: Uint8Array, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/** SHA-256 of a value with ≥ 128 random bits (URL path, token): unsalted, so it is a lookup key. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Whether `secret` is the one `digest` was made from, in time independent of where they differ. */
export function digestMatches(salt: Uint8Array, secret: string, digest: Uint8Array): boolean {
  const candidate = saltedDigest(salt, secret);
  return candidate.length === digest.length && timingSafeEqual(candidate, digest);
}

/**
 * What MySQL itself keeps of a mysql_native_password password: SHA1(SHA1(password)). It is all a
 * server needs to check a client's scramble answer, so a MySQL decoy never needs the password.
 */
export function nativePasswordStage2(password: string): Buffer {
  const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest();
  return sha1(sha1(password));
}

/**
 * Whether `token` is a client's mysql_native_password answer to `scramble` for the password whose
 * stage-2 hash is `stage2`: token XOR SHA1(scramble ‖ stage2) must be SHA1(password), whose SHA1 is
 * stage2 (compared in constant time).
 */
export function nativePasswordMatches(stage2: Buffer, scramble: Buffer, token: Buffer): boolean {
  if (token.length !== 20 || stage2.length !== 20) return false;
  const mask = createHash('sha1').update(scramble).update(stage2).digest();
  const stage1 = Buffer.from(token.map((byte, i) => byte ^ mask[i]!));
  return timingSafeEqual(createHash('sha1').update(stage1).digest(), stage2);
}
