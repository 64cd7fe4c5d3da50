// Where last good cards are kept: the contract, and the embedded default (in process, bounded in bytes).
import { LRUCache } from 'lru-cache';
import type { Component } from '../plain/components.ts';

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
 * The in-process store: an LRU bounded by the JSON size of its entries, each expiring `maxAgeMs`
 * after it was written. Keys never leave the process, so they are not hashed.
 */
export function createMemoryStore({ maxBytes, maxAgeMs }: { maxBytes: number; maxAgeMs: number }): StaleStore {
  const cache = new LRUCache<string, StoredCard>({
    maxSize: maxBytes,
    // The key counts too. Estimated by a walk, not JSON.stringify: this runs for every successful card.
    sizeCalculation: (entry, key) => key.length + jsonSize(entry.components) + 16,
    ttl: maxAgeMs,
    // An entry's age is when it was written, not when it was last read.
    updateAgeOnGet: false,
  });
  return {
    kind: 'memory',
    async read(keys) {
      return keys.map((key) => cache.get(key));
    },
    write(entries) {
      for (const [key, entry] of entries) {
        // An entry larger than the whole cache is not kept (lru-cache's maxEntrySize defaults to maxSize).
        cache.set(key, entry);
      }
    },
    problem: () => undefined,
    async close() {
      cache.clear();
    },
  };
}

/**
 * About the length of `JSON.stringify(value)`, a little over it (quotes and separators counted
 * generously), for a seventh of its cost: no string is built. Components hold strings, numbers,
 * booleans, null, arrays and plain objects only.
 */
export function jsonSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 8;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) total += jsonSize(item) + 1;
    return total;
  }
  for (const key in value) total += key.length + 4 + jsonSize((value as Record<string, unknown>)[key]);
  return total;
}
