// WASM module ABI v1 (wasm/README.md), host side: the imports a module may ask for, the exports it
// must have, and a reader of the module's import section, so a module asking for anything outside
// the ABI is refused before any of its code runs.
import { Code, OmegaError } from '@omega/runtime';

export const MODULE_ABI_VERSION = 1;
/** The one memory a module has: imported, so the host sets its maximum. */
export const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;
/** Host functions of ABI v1, by import module and name. */
export const ABI_FUNCTIONS: Readonly<Record<string, readonly string[]>> = { omega_v1: ['log'] };
export const REQUIRED_EXPORTS = [
  'omega_abi_version',
  'omega_input',
  'omega_output',
  'omega_on_event',
] as const;
/** The largest module accepted (bytes). */
export const MAX_MODULE_BYTES = 8 * 1024 * 1024;
export const WASM_PAGE_BYTES = 65_536;

export interface WasmImport {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  /** Memory imports: pages asked for at least, and at most when the module declares it. */
  minPages?: number;
  maxPages?: number;
}

class Bytes {
  at = 8;
  constructor(
    readonly buf: Uint8Array,
    readonly what: string,
  ) {}

  fail(reason: string): never {
    throw new OmegaError(Code.InvalidArgument, `${this.what}: ${reason} at byte offset ${this.at}`);
  }

  byte(): number {
    if (this.at >= this.buf.length) this.fail('unexpected end of module');
    return this.buf[this.at++] as number;
  }

  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    return this.fail('LEB128 integer longer than 5 bytes');
  }

  name(): string {
    const len = this.u32();
    if (this.at + len > this.buf.length) this.fail('name runs past the end');
    const text = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.at, len).toString('utf8');
    this.at += len;
    return text;
  }

  limits(): { min: number; max?: number } {
    const flags = this.byte();
    if (flags & ~0x07) this.fail(`unknown limits flags 0x${flags.toString(16)}`);
    if (flags & 0x04) this.fail('64-bit memories are not part of the ABI');
    const min = this.u32();
    return flags & 0x01 ? { min, max: this.u32() } : { min };
  }
}

const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

/** The imports a WebAssembly binary declares, read from its import section. */
export function readWasmImports(wasm: Uint8Array, what = 'module'): WasmImport[] {
  const r = new Bytes(wasm, what);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (wasm.length < 8 || magic.some((b, i) => wasm[i] !== b)) {
    r.at = 0;
    r.fail('not a WebAssembly 1.0 binary (bad magic or version)');
  }
  while (r.at < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (end > wasm.length) r.fail(`section ${id} runs past the end`);
    if (id !== 2) {
      r.at = end;
      continue;
    }
    const imports: WasmImport[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const module = r.name();
      const name = r.name();
      const kind = KINDS[r.byte()] ?? r.fail('unknown import kind');
      const entry: WasmImport = { module, name, kind };
      if (kind === 'function' || kind === 'tag') {
        if (kind === 'tag') r.byte();
        r.u32();
      } else if (kind === 'table') {
        r.byte();
        r.limits();
      } else if (kind === 'memory') {
        const limits = r.limits();
        entry.minPages = limits.min;
        if (limits.max !== undefined) entry.maxPages = limits.max;
      } else {
        r.byte();
        r.byte();
      }
      imports.push(entry);
    }
    return imports;
  }
  return [];
}

export interface AbiCheck {
  /** Pages the module's memory must start with. */
  memoryMinPages: number;
  /** Whether it calls omega_v1.log. */
  usesLog: boolean;
}

/**
 * Checks a module against ABI v1 before anything runs: size, imports (only the ABI's), the memory
 * import and its limits against `maxMemoryPages`, and the exports. Throws an OmegaError naming the
 * module and what is wrong.
 */
export function checkModuleAbi(wasm: Uint8Array, name: string, maxMemoryPages: number): AbiCheck {
  const what = `module ${name}`;
  if (wasm.length > MAX_MODULE_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: ${wasm.length} bytes, over the ${MAX_MODULE_BYTES}-byte limit`,
    );
  }
  const imports = readWasmImports(wasm, what);
  let memory: WasmImport | undefined;
  let usesLog = false;
  for (const i of imports) {
    if (i.kind === 'memory' && i.module === MEMORY_IMPORT.module && i.name === MEMORY_IMPORT.name) {
      memory = i;
    } else if (i.kind === 'function' && ABI_FUNCTIONS[i.module]?.includes(i.name)) {
      usesLog = true;
    } else {
      throw new OmegaError(
        Code.PermissionDenied,
        `${what}: imports ${i.kind} ${i.module}.${i.name}, which is not part of module ABI v${MODULE_ABI_VERSION} (allowed: memory env.memory, functions omega_v1.log)`,
      );
    }
  }
  if (!memory) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: does not import its memory as env.memory (build with --import-memory)`,
    );
  }
  const minPages = memory.minPages ?? 0;
  if (minPages > maxMemoryPages) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `${what}: needs ${minPages} memory pages to start, over the sentinel's limit of ${maxMemoryPages}`,
    );
  }
  let compiled: WebAssembly.Module;
  try {
    compiled = new WebAssembly.Module(wasm);
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `${what}: not a valid WebAssembly module`, {
      cause: err,
    });
  }
  const exported = new Set(
    WebAssembly.Module.exports(compiled)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name),
  );
  const missing = REQUIRED_EXPORTS.filter((e) => !exported.has(e));
  if (missing.length > 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${what}: does not export ${missing.join(', ')} (module ABI v${MODULE_ABI_VERSION})`,
    );
  }
  return { memoryMinPages: minPages, usesLog };
}
