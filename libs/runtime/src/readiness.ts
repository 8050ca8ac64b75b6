// Readiness as the AND of named components (bus connected, parts built, not draining, …), feeding
// both /readyz and the gRPC health service.

export interface ComponentState {
  ready: boolean;
  detail?: string;
}

export interface NotReadyComponent {
  component: string;
  detail?: string;
}

export class Readiness {
  private readonly components = new Map<string, ComponentState>();
  private readonly listeners = new Set<(ready: boolean) => void>();
  private lastReady = true;

  /** Records one component's state; listeners hear about it when the overall answer changes. */
  set(component: string, ready: boolean, detail?: string): void {
    this.components.set(component, detail === undefined ? { ready } : { ready, detail });
    const now = this.isReady();
    if (now !== this.lastReady) {
      this.lastReady = now;
      for (const listener of this.listeners) listener(now);
    }
  }

  /** True when every component that has reported is ready (and when none has). */
  isReady(): boolean {
    for (const state of this.components.values()) if (!state.ready) return false;
    return true;
  }

  notReady(): NotReadyComponent[] {
    return [...this.components]
      .filter(([, state]) => !state.ready)
      .map(([component, state]) =>
        state.detail === undefined ? { component } : { component, detail: state.detail },
      );
  }

  snapshot(): Record<string, ComponentState> {
    return Object.fromEntries(this.components);
  }

  /** Calls `listener` with the overall answer each time it changes; returns the unsubscribe. */
  onChange(listener: (ready: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
