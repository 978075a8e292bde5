import type { Disposable } from './disposable';

export type Event<T> = (listener: (value: T) => void) => Disposable;

/** A minimal typed event emitter in VS Code's style: `onDidX` exposes `emitter.event`. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
