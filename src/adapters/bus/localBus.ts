import type { DomainEvent, EventBus, EventListener, EventOrigin } from "../../domain/events.ts";

const LOCAL: EventOrigin = { remote: false };

/** In-process publish/subscribe for domain events; a failing subscriber never breaks the publisher. */
export class LocalBus implements EventBus {
  private listeners: EventListener[] = [];
  constructor(private onError: (error: unknown) => void) {}
  publish(event: DomainEvent): void {
    this.deliver(event, LOCAL);
  }
  /** Hands `event` to every subscriber, each failure reported on its own. */
  deliver(event: DomainEvent, origin: EventOrigin): void {
    // A copy: a subscriber that unsubscribes (or subscribes) while being called changes nothing now.
    for (const listener of [...this.listeners]) {
      try {
        listener(event, origin);
      } catch (error) {
        this.onError(error);
      }
    }
  }
  subscribe(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.listeners = [];
    return Promise.resolve();
  }
}
