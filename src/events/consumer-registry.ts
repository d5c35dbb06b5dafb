import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from './outbox.js';

/** What a dead letter's retry needs of the consumer that parked it. */
export interface ReplayableConsumer {
  /**
   * Applies the event's effects in the caller's transaction, WITHOUT the position guard that
   * normal delivery has: a dead letter is behind the consumer's stored position, so the guard
   * would skip it. The caller's transaction also resolves the dead letter, so the effects and
   * the resolution commit together, or neither does.
   */
  replay(tem: EntityManager, e: DomainEvent): Promise<void>;
}

/** The outbox consumers running in this hub, by their `outbox_consumer` name. */
export class OutboxConsumerRegistry {
  private readonly byName = new Map<string, ReplayableConsumer>();

  register(name: string, consumer: ReplayableConsumer): void {
    // Two consumers under one name would share a position and step on each other's events.
    if (this.byName.has(name)) throw new Error(`outbox consumer ${name} is registered already`);
    this.byName.set(name, consumer);
  }

  get(name: string): ReplayableConsumer | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
