// Where last good cards are kept: the contract, and the embedded default (in process, bounded in bytes).
import { LRUCache } from 'lru-cache';
import type { Component } from '../plain/components.ts';
import { componentsJson } from '../plain/card-json.ts';

/** What is kept per card, customer and inputs: the components as last answered (null: the card had no data), and when. */
export type StoredCard = { components: Component[] | null; storedAt: number };

/** A store of last good cards; keys are made by `last-good.ts`. Every method is bounded in time and never throws. */
export type StaleStore = {
  readonly kind: 'memory' | 'redis';
  /** One round trip for all keys; a miss, an expired entry or a failure reads as `undefined`. */
  read(keys: readonly string[]): Promise<Array<StoredCard | undefined>>;
  /** Stores entries (one round trip), without making anyone wait for it. */
  write(entries: ReadonlyArray<readonly [string, StoredCard]>): void;
  /** Why the store cannot be used now, in words safe for /readyz; `undefined` when it can. */
  problem(): string | undefined;
  close(): Promise<void>;
};

/**
 * The in-process store: an LRU bounded by the size of its entries, each expiring `maxAgeMs` after
 * it was written. Entries are kept as their JSON text, parsed again only when a card failed: a
 * string is one object for the collector to walk, about the size it is counted at, where the
 * answered objects weighed about three times their JSON (docs/performance.md). Keys never leave
 * the process, so they are not hashed.
 */
export function createMemoryStore({ maxBytes, maxAgeMs }: { maxBytes: number; maxAgeMs: number }): StaleStore {
  const cache = new LRUCache<string, Held>({
    maxSize: maxBytes,
    // The key counts too; 16 for the entry's own fields.
    sizeCalculation: (entry, key) => key.length + entry.json.length + 16,
    ttl: maxAgeMs,
    // An entry's age is when it was written, not when it was last read.
    updateAgeOnGet: false,
  });
  return {
    kind: 'memory',
    async read(keys) {
      return keys.map((key) => {
        const held = cache.get(key);
        return held && { components: JSON.parse(held.json) as Component[] | null, storedAt: held.storedAt };
      });
    },
    write(entries) {
      for (const [key, entry] of entries) {
        // An entry larger than the whole cache is not kept (lru-cache's maxEntrySize defaults to maxSize).
        // The same text the answer is made of (made once, by whichever needs it first).
        cache.set(key, { json: componentsJson(entry.components), storedAt: entry.storedAt });
      }
    },
    problem: () => undefined,
    async close() {
      cache.clear();
    },
  };
}

/** An entry of the in-process store: the components' JSON (`null` for no data). */
type Held = { json: string; storedAt: number };
