// The configuration tree merged from its sources, remembering which source set each key, so an
// error can say where a bad value came from.

/** The merged configuration tree and, for each key, the source that last set it. */
export class LayeredConfig {
  readonly value: Record<string, unknown> = {};
  private readonly origins = new Map<string, string>();

  merge(layer: Record<string, unknown>, origin: string): void {
    const visit = (
      target: Record<string, unknown>,
      source: Record<string, unknown>,
      path: string[],
    ) => {
      for (const [key, value] of Object.entries(source)) {
        const childPath = [...path, key];
        this.record(childPath, origin);
        if (isPlainObject(value)) {
          const existing = target[key];
          const child = isPlainObject(existing) ? existing : {};
          target[key] = child;
          visit(child, value, childPath);
        } else {
          target[key] = value;
        }
      }
    };
    visit(this.value, layer, []);
  }

  set(path: readonly string[], value: unknown, origin: string): void {
    let target = this.value;
    for (const segment of path.slice(0, -1)) {
      const existing = target[segment];
      const child = isPlainObject(existing) ? existing : {};
      target[segment] = child;
      target = child;
    }
    target[path[path.length - 1] as string] = value;
    this.record(path, origin);
  }

  valueAt(path: readonly PropertyKey[]): unknown {
    let current: unknown = this.value;
    for (const segment of path) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<PropertyKey, unknown>)[segment];
    }
    return current;
  }

  /** The source of the value at `path`, or of the nearest enclosing value that has one. */
  originOf(path: readonly PropertyKey[]): string | undefined {
    for (let length = path.length; length > 0; length--) {
      const origin = this.origins.get(originKey(path.slice(0, length)));
      if (origin !== undefined) return origin;
    }
    return undefined;
  }

  private record(path: readonly PropertyKey[], origin: string): void {
    const key = originKey(path);
    for (const existing of [...this.origins.keys()]) {
      if (existing.startsWith(`${key}\n`)) this.origins.delete(existing);
    }
    this.origins.set(key, origin);
  }
}

function originKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('\n');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
