import { EventEmitter } from "node:events";
import type { DomainEvent, EventSink } from "../../domain/events.ts";

/** In-process publish/subscribe for domain events; a failing subscriber never breaks the publisher. */
export class LocalBus implements EventSink {
  private emitter = new EventEmitter();
  constructor(private onError: (error: unknown) => void) {
    this.emitter.setMaxListeners(50);
  }
  publish(event: DomainEvent): void {
    for (const listener of this.emitter.listeners("event")) {
      try {
        (listener as (e: DomainEvent) => void)(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
