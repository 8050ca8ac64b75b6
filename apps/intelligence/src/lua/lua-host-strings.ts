// The host's side of calls into the WebAssembly Lua module: its exported C functions called
// directly, and strings written into its memory for them.
import type { LuaWasm } from 'wasmoon';

/**
 * Strings the host writes into WebAssembly memory for the raw C API (the module's exported
 * functions are called directly: its cwrap'd ones convert every argument and cost microseconds).
 */
export class HostStrings {
  private readonly names = new Map<string, number>();
  private scratch = 0;
  private capacity = 0;
  private readonly encoder = new TextEncoder();

  constructor(private readonly wasm: LuaWasm) {}

  /** A NUL-terminated copy of a field name, kept for the life of the runtime (names are few). */
  name(text: string): number {
    let pointer = this.names.get(text);
    if (pointer === undefined) {
      const m = this.wasm.module;
      const size = m.lengthBytesUTF8(text) + 1;
      pointer = m._malloc(size);
      m.stringToUTF8(text, pointer, size);
      this.names.set(text, pointer);
    }
    return pointer;
  }

  /** Pushes a string onto L's stack through the shared scratch buffer. */
  push(L: number, text: string): void {
    const m = this.wasm.module;
    const max = text.length * 3;
    if (max > this.capacity) {
      if (this.scratch) m._free(this.scratch);
      this.capacity = Math.max(max, 4096);
      this.scratch = m._malloc(this.capacity);
    }
    const { written } = this.encoder.encodeInto(
      text,
      m.HEAPU8.subarray(this.scratch, this.scratch + max),
    );
    raw(this.wasm)._lua_pushlstring(L, this.scratch, written);
  }
}

/** The module's exported C functions, called without cwrap's conversions. */
export interface RawLua {
  _lua_pushlstring(L: number, s: number, len: number): number;
  _lua_setfield(L: number, index: number, name: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushnil(L: number): void;
  _lua_rawgeti(L: number, index: number, n: bigint): number;
  _lua_rawseti(L: number, index: number, n: bigint): void;
  _lua_settop(L: number, index: number): void;
  _lua_type(L: number, index: number): number;
  _lua_sethook(L: number, hook: number, mask: number, count: number): void;
  _lua_pcallk(
    L: number,
    args: number,
    results: number,
    errfunc: number,
    ctx: number,
    k: number,
  ): number;
}

export function raw(wasm: LuaWasm): RawLua {
  return wasm.module as unknown as RawLua;
}
