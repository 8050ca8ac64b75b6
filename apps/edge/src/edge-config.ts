// omega-edge's TOML configuration (~/.omega/edge.toml or --config): parsed with smol-toml, checked
// with a strict schema; every error names the file, the line and the key, and unknown keys are
// refused (a misspelt `max_session_per_ip` must not silently leave the default in force).
import { isIP } from 'node:net';
import { Code, OmegaError } from '@omega/errors';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { parsePublicIdentity, type PublicIdentity } from './edge-identity';

export const EDGE_CONFIG_MAX_BYTES = 64 * 1024;
export const EDGE_MAX_PEERS = 256;

const hostPort = z.string().refine((s) => parseEndpoint(s) !== undefined, {
  message: "must be IP:PORT (an IPv6 address in brackets: '[fd00::1]:51820')",
});

const schema = z.strictObject({
  daemon: z
    .strictObject({
      port: z.int().min(1).max(65535).default(51820),
      interface: z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/, 'must be a Linux interface name (1-15 characters)')
        .default('omniwg'),
    })
    .prefault({}),
  network: z
    .strictObject({
      nucleus: z
        .string()
        .regex(/^[a-zA-Z0-9.:[\]-]{1,253}:\d{1,5}$/, 'must be host:port')
        .optional(),
      cluster: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a DNS label (a-z, 0-9, -)')
        .default('default'),
      heartbeat_secs: z.int().min(1).max(3600).default(15),
      nucleus_key: z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/, "must be the nucleus's Ed25519 key (43 base64url characters)")
        .optional(),
    })
    .prefault({}),
  security: z
    .strictObject({
      max_sessions_per_ip: z.int().min(1).max(10_000).default(10),
      handshake_timeout_secs: z.int().min(1).max(120).default(5),
      psk_rotation_secs: z.int().min(1).max(86_400).default(120),
    })
    .prefault({}),
  peers: z
    .array(z.strictObject({ public_key: z.string().max(200), endpoint: hostPort }))
    .max(EDGE_MAX_PEERS)
    .default([]),
});

export interface EdgePeer {
  identity: PublicIdentity;
  /** Underlay endpoint `IP:PORT` as WireGuard takes it. */
  endpoint: string;
}

export interface EdgeConfig {
  port: number;
  interface: string;
  nucleus?: string;
  /** The nucleus's Ed25519 public key, base64url. */
  nucleusKey?: string;
  cluster: string;
  heartbeatSecs: number;
  maxSessionsPerIp: number;
  handshakeTimeoutSecs: number;
  pskRotationSecs: number;
  peers: EdgePeer[];
}

/** `IP:PORT` or `[IPv6]:PORT` → WireGuard's spelling, or undefined. */
export function parseEndpoint(text: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port < 1 || port > 65535 || isIP(host) !== (m[1] ? 6 : 4)) return undefined;
  return text;
}

/**
 * The line a key sits on: scans table headers (`[x]`, `[[x]]` counted) and `key =` lines. The
 * parser gives no positions for values, and a user fixing a file needs the line.
 */
export function lineOfKey(text: string, path: readonly PropertyKey[]): number | undefined {
  const [table, second, third] = path.map(String);
  const arrayIndex = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
  const key = arrayIndex === undefined ? second : third;
  let current = '';
  let seen = -1;
  let tableLine: number | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const header = /^\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?/.exec(line);
    if (header) {
      current = header[1]!;
      if (current === table && line.startsWith('[[')) seen++;
      if (current === table && (arrayIndex === undefined || seen === arrayIndex)) {
        tableLine ??= i + 1;
      }
      continue;
    }
    const inTable = current === table && (arrayIndex === undefined || seen === arrayIndex);
    if (inTable && key !== undefined && new RegExp(`^["']?${key}["']?\\s*=`).test(line)) {
      return i + 1;
    }
  }
  return tableLine;
}

function describe(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function parseEdgeConfig(text: string, file: string): EdgeConfig {
  if (Buffer.byteLength(text) > EDGE_CONFIG_MAX_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${file}: larger than ${EDGE_CONFIG_MAX_BYTES} bytes`,
    );
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0];
      throw new OmegaError(
        Code.InvalidArgument,
        `${file}:${err.line}:${err.column}: not valid TOML: ${reason}`,
        { cause: err },
      );
    }
    throw err;
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path =
      issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : [...issue.path];
    const line = lineOfKey(text, path);
    const what =
      issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message.replace(/^Invalid /, '');
    throw new OmegaError(
      Code.InvalidArgument,
      `${file}${line ? `:${line}` : ''}: ${describe(path)}: ${what}`,
    );
  }
  const c = result.data;
  return {
    port: c.daemon.port,
    interface: c.daemon.interface,
    nucleus: c.network.nucleus,
    nucleusKey: c.network.nucleus_key,
    cluster: c.network.cluster,
    heartbeatSecs: c.network.heartbeat_secs,
    maxSessionsPerIp: c.security.max_sessions_per_ip,
    handshakeTimeoutSecs: c.security.handshake_timeout_secs,
    pskRotationSecs: c.security.psk_rotation_secs,
    peers: c.peers.map((p, i) => ({
      identity: parsePublicIdentity(
        p.public_key,
        `${file}:${lineOfKey(text, ['peers', i, 'public_key']) ?? '?'}: peers[${i}].public_key`,
      ),
      endpoint: p.endpoint,
    })),
  };
}
