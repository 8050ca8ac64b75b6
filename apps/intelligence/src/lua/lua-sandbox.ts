// One sandboxed Lua 5.4 state (real Lua, compiled to WebAssembly by wasmoon): only the base,
// string, table, math and utf8 libraries, without load/dofile/loadfile/collectgarbage/print and
// string.dump (io, os, require/package, debug and coroutine are never opened), an allocator that
// refuses memory past a cap, and a count hook that stops a call after its instruction budget.
import { LuaWasm, LuaReturn, LuaType } from 'wasmoon';
import { Code, OmegaError } from '@omega/runtime';
import { HostStrings, raw, type RawLua } from './lua-host-strings';
import { PRELUDE } from './lua-prelude';

/** LUA_MASKCOUNT: the hook runs every `count` VM instructions. */
const MASK_COUNT = 8;
const LUA_REGISTRYINDEX = -1000000 - 1000;
const LUA_MULTRET = -1;
/** The globals table's index in the registry. */
const LUA_RIDX_GLOBALS = 2n;

export interface LuaLimits {
  /** VM instructions one call may run before it is stopped. */
  readonly instructionBudget: number;
  /** Bytes the script's state may hold (its code, globals and per-entity state). */
  readonly memoryBytes: number;
}

/** Why a call did not complete. */
export type LuaFaultReason = 'budget' | 'memory' | 'error';

export class LuaFault extends Error {
  constructor(
    readonly reason: LuaFaultReason,
    message: string,
  ) {
    super(message);
    this.name = 'LuaFault';
  }
}

/** What the host may allocate past the cap while it builds a call's arguments (never the script). */
const HOST_RESERVE_BYTES = 1 << 20;
const BUDGET_MESSAGE = 'instruction budget exceeded';

/** The WebAssembly Lua module, instantiated once and shared by every sandbox of the process. */
export class LuaRuntime {
  private readonly strings: HostStrings;

  private constructor(readonly wasm: LuaWasm) {
    this.strings = new HostStrings(wasm);
  }

  static async load(): Promise<LuaRuntime> {
    return new LuaRuntime(await LuaWasm.initialize());
  }

  /** A fresh sandboxed state running `source` (its top-level chunk runs within the limits). */
  sandbox(source: string, chunkName: string, limits: LuaLimits): LuaSandbox {
    return new LuaSandbox(this.wasm, this.strings, source, chunkName, limits);
  }
}

/** A value the host passes into Lua. */
export type LuaValue = string | number | bigint | boolean | readonly string[] | undefined;

export class LuaSandbox {
  private readonly L: number;
  private usedBytes = 0;
  private capBytes: number;
  private refusedDuringCall = false;
  private budgetSpent = false;
  private readonly allocator: number;
  private readonly hook: number;
  private readonly panic: number;
  private readonly dispatcherRef: number;
  private closed = false;

  private readonly raw: RawLua;

  constructor(
    private readonly wasm: LuaWasm,
    private readonly strings: HostStrings,
    source: string,
    chunkName: string,
    private readonly limits: LuaLimits,
  ) {
    const m = wasm.module;
    this.raw = raw(wasm);
    this.capBytes = limits.memoryBytes + HOST_RESERVE_BYTES;
    this.allocator = m.addFunction((_ud: number, ptr: number, oldSize: number, size: number) => {
      if (size === 0) {
        if (ptr) {
          this.usedBytes -= oldSize;
          m._free(ptr);
        }
        return 0;
      }
      const delta = ptr ? size - oldSize : size;
      if (size > oldSize && this.usedBytes + delta > this.capBytes) {
        this.refusedDuringCall = true;
        return 0;
      }
      const moved = m._realloc(ptr, size);
      if (moved) this.usedBytes += delta;
      return moved;
    }, 'iiiii');
    this.hook = m.addFunction((L: number) => {
      // Once spent, every further instruction errors again, so a pcall in the script cannot
      // catch the stop and carry on.
      this.budgetSpent = true;
      wasm.lua_sethook(L, this.hook, MASK_COUNT, 1);
      wasm.lua_pushstring(L, BUDGET_MESSAGE);
      wasm.lua_error(L);
    }, 'vii');
    this.panic = m.addFunction(() => {
      throw new LuaFault('memory', `${chunkName}: Lua panic outside a protected call`);
    }, 'ii');
    const L = wasm.lua_newstate(this.allocator, null);
    if (!L) {
      this.release();
      throw new OmegaError(Code.ResourceExhausted, `${chunkName}: cannot create a Lua state`);
    }
    this.L = L;
    // An error outside a protected call (memory for the host's own pushes ran out) must not abort
    // the WebAssembly module every script shares: it throws here and the sandbox is discarded.
    wasm.lua_atpanic(L, this.panic);
    try {
      wasm.luaopen_base(L);
      for (const [name, open] of [
        ['string', wasm.luaopen_string],
        ['table', wasm.luaopen_table],
        ['math', wasm.luaopen_math],
        ['utf8', wasm.luaopen_utf8],
      ] as const) {
        open.call(wasm, L);
        wasm.lua_setglobal(L, name);
      }
      wasm.lua_settop(L, 0);
      this.load(PRELUDE, '=prelude');
      this.call(0, 1, 'prelude');
      this.dispatcherRef = wasm.luaL_ref(L, LUA_REGISTRYINDEX);
      this.load(source, `=${chunkName}`);
      this.call(0, 0, chunkName);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Bytes the state holds now. */
  get memoryBytes(): number {
    return this.usedBytes;
  }

  /** A global's Lua type name ('nil' when absent). */
  globalType(name: string): string {
    const type = this.pushRawGlobal(name);
    this.wasm.lua_settop(this.L, 0);
    return LuaType[type]?.toLowerCase() ?? 'unknown';
  }

  /**
   * Pushes the globals table, then `name`'s value read from it raw (at -1, the table at -2): a
   * metatable the script put on _G never runs here, outside the budget and any protected call.
   */
  private pushRawGlobal(name: string): LuaType {
    const { wasm, L } = this;
    wasm.lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    wasm.lua_pushstring(L, name);
    return wasm.lua_rawget(L, -2) as LuaType;
  }

  /**
   * Reads a global table of strings, numbers and lists of strings (the script's `rule`
   * description): one level deep, strings capped at `maxChars`.
   */
  globalTable(name: string, maxChars = 1024): Record<string, string | string[]> | undefined {
    const { wasm, L } = this;
    try {
      wasm.lua_settop(L, 0);
      if (this.pushRawGlobal(name) !== LuaType.Table) return undefined;
      const out: Record<string, string | string[]> = {};
      wasm.lua_pushnil(L);
      // lua_next and lua_rawgeti are raw: no metamethod of the script's runs here.
      while (wasm.lua_next(L, 2) !== 0) {
        if (wasm.lua_type(L, -2) === LuaType.String) {
          const key = wasm.lua_tolstring(L, -2, null);
          const type = wasm.lua_type(L, -1);
          if (type === LuaType.String || type === LuaType.Number) {
            out[key] = wasm.lua_tolstring(L, -1, null).slice(0, maxChars);
          } else if (type === LuaType.Table) {
            const list: string[] = [];
            for (let i = 1; i <= 64; i++) {
              const t = wasm.lua_rawgeti(L, -1, BigInt(i));
              if (t === LuaType.String)
                list.push(wasm.lua_tolstring(L, -1, null).slice(0, maxChars));
              wasm.lua_settop(L, -2);
              if (t === LuaType.Nil) break;
            }
            out[key] = list;
          }
        }
        wasm.lua_settop(L, -2);
      }
      return out;
    } finally {
      wasm.lua_settop(L, 0);
    }
  }

  /**
   * Calls the dispatcher: on_event(event, state of `key`), forgetting `evict`'s state first.
   * Returns the flattened finding (explanation, severity, techniques, evidence, title, entity),
   * or undefined; throws LuaFault when the call errs, runs out of budget or of memory.
   */
  dispatch(
    fields: Readonly<Record<string, LuaValue>>,
    key: string,
    evict: string | undefined,
  ): string[] | undefined {
    const { wasm, L, raw, strings } = this;
    raw._lua_settop(L, 0);
    raw._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.dispatcherRef));
    raw._lua_createtable(L, 0, 24);
    for (const name in fields) {
      const value = fields[name];
      if (value === undefined) continue;
      this.push(value);
      raw._lua_setfield(L, -2, strings.name(name));
    }
    strings.push(L, key);
    if (evict === undefined) raw._lua_pushnil(L);
    else strings.push(L, evict);
    this.call(3, 6, 'on_event');
    if (raw._lua_type(L, 1) === LuaType.Nil) {
      raw._lua_settop(L, 0);
      return undefined;
    }
    const out: string[] = [];
    for (let i = 1; i <= 6; i++) out.push(wasm.lua_tolstring(L, i, null) ?? '');
    wasm.lua_settop(L, 0);
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.L) this.wasm.lua_close(this.L);
    this.release();
  }

  private release(): void {
    this.wasm.module.removeFunction(this.allocator);
    this.wasm.module.removeFunction(this.hook);
    this.wasm.module.removeFunction(this.panic);
  }

  private push(value: NonNullable<LuaValue>): void {
    const { L, raw, strings } = this;
    if (typeof value === 'string') strings.push(L, value);
    else if (typeof value === 'bigint') raw._lua_pushinteger(L, BigInt.asIntN(64, value));
    else if (typeof value === 'boolean') raw._lua_pushboolean(L, value ? 1 : 0);
    else if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) raw._lua_pushinteger(L, BigInt(value));
      else raw._lua_pushnumber(L, value);
    } else {
      raw._lua_createtable(L, value.length, 0);
      value.forEach((item, i) => {
        strings.push(L, item);
        raw._lua_rawseti(L, -2, BigInt(i + 1));
      });
    }
  }

  private load(source: string, chunkName: string): void {
    const { wasm, L } = this;
    const m = wasm.module;
    const size = m.lengthBytesUTF8(source);
    const buffer = m._malloc(size + 1);
    try {
      m.stringToUTF8(source, buffer, size + 1);
      // Mode "t": text only. Precompiled bytecode can break the VM's invariants; it never loads.
      const rc = wasm.luaL_loadbufferx(L, buffer, size, chunkName, 't');
      if (rc !== LuaReturn.Ok) {
        const message = wasm.lua_tolstring(L, -1, null) ?? `load failed (${rc})`;
        wasm.lua_settop(L, 0);
        throw new LuaFault(rc === LuaReturn.ErrorMem ? 'memory' : 'error', message);
      }
    } finally {
      m._free(buffer);
    }
  }

  /** Runs the function below `args` arguments under the budget and the cap; LuaFault otherwise. */
  private call(args: number, results: number, what: string): void {
    const { wasm, L, raw } = this;
    this.budgetSpent = false;
    this.refusedDuringCall = false;
    this.capBytes = this.limits.memoryBytes;
    raw._lua_sethook(L, this.hook, MASK_COUNT, this.limits.instructionBudget);
    let rc: LuaReturn;
    try {
      rc = raw._lua_pcallk(L, args, results === -1 ? LUA_MULTRET : results, 0, 0, 0);
    } finally {
      raw._lua_sethook(L, 0, 0, 0);
      this.capBytes = this.limits.memoryBytes + HOST_RESERVE_BYTES;
    }
    if (rc === LuaReturn.Ok && !this.refusedDuringCall) return;
    const message =
      rc === LuaReturn.Ok ? 'not enough memory (caught by the script)' : this.errorText();
    wasm.lua_settop(L, 0);
    if (this.budgetSpent) {
      throw new LuaFault(
        'budget',
        `${what}: stopped after ${this.limits.instructionBudget} instructions (the budget per call)`,
      );
    }
    if (this.refusedDuringCall || rc === LuaReturn.ErrorMem) {
      throw new LuaFault(
        'memory',
        `${what}: refused memory past the cap of ${this.limits.memoryBytes} bytes (${message})`,
      );
    }
    throw new LuaFault('error', message);
  }

  private errorText(): string {
    const { wasm, L } = this;
    if (wasm.lua_type(L, -1) === LuaType.String) return wasm.lua_tolstring(L, -1, null);
    return `error object is a ${LuaType[wasm.lua_type(L, -1)]?.toLowerCase() ?? 'value'}`;
  }
}
