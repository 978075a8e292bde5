import type { Disposable } from './disposable';

/** The minimum a transport must offer: MessagePort, a Worker, a webview, or an in-memory pair. */
export interface Transport {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** What checks an incoming message: a zod schema, or a lighter check in the same shape (zod's safeParse). */
export interface MessageCheck<T> {
  safeParse(raw: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * A typed channel: every outgoing message has the declared type and every incoming one is
 * validated against its schema. Invalid input is reported, never acted on (DESIGN.md rule 2).
 */
export class TypedChannel<Out, In> implements Disposable {
  private readonly listener: (message: unknown) => void;

  constructor(
    private readonly transport: Transport,
    inSchema: MessageCheck<In>,
    onMessage: (message: In) => void,
    onInvalid: (error: string, raw: unknown) => void,
  ) {
    this.listener = (raw) => {
      const parsed = inSchema.safeParse(raw);
      if (parsed.success) onMessage(parsed.data);
      else onInvalid(parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; '), raw);
    };
    transport.on('message', this.listener);
  }

  send(message: Out): void {
    this.transport.postMessage(message);
  }

  dispose(): void {
    this.transport.off('message', this.listener);
  }
}
