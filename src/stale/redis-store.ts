// Last good cards on Redis (ioredis), shared by every replica: hashed keys, values that expire, never in the way of an answer.
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import type { StaleStore, StoredCard } from './stale-store.ts';
import { componentsJson } from '../plain/card-json.ts';

export type RedisStoreOptions = {
  url: string;
  /** Prefix of every key, e.g. `cardql:stale:`. */
  keyPrefix: string;
  /** Longest one command may take; past it the command fails and the card is answered without it. */
  timeoutMs: number;
  /** Values expire this long after they were written (SET … PX). */
  maxAgeMs: number;
  /** HMAC key: a key is HMAC-SHA256(keySecret, the card's inputs), so no customer data is readable in it. */
  keySecret: string;
  logger: Logger;
  /** One call per round trip to Redis, and on every change between usable and not: for metrics. */
  events?: RedisStoreEvents;
};

export type RedisStoreEvents = {
  roundTrip(operation: 'read' | 'write', ok: boolean): void;
  state(up: boolean): void;
};

/**
 * Fails fast rather than waits: no offline queue (a command while disconnected fails at once), no
 * retry of a command, a command timeout; ioredis reconnects in the background (at most every 2 s),
 * and meanwhile cards are answered fresh, without stale ones. Down and back up are logged once each.
 */
export function createRedisStore({ url, keyPrefix, timeoutMs, maxAgeMs, keySecret, logger, events }: RedisStoreOptions): StaleStore {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(1000, timeoutMs),
    retryStrategy: (times) => Math.min(times * 200, 2000),
    // ioredis would retry a command on reconnect; a stale card is worth nothing a moment later.
    autoResendUnfulfilledCommands: false,
  });
  // Logged once per change: `undefined` before the first connection, then up or down.
  let up: boolean | undefined;
  let closed = false;
  const changed = (now: boolean, error?: unknown) => {
    // Our own disconnect at shutdown is not an outage.
    if (up === now || closed) return;
    const first = up === undefined;
    up = now;
    events?.state(now);
    // The URL may hold a password: never logged. The error says what failed (ECONNREFUSED, …).
    if (!now) logger.warn({ err: error, store: 'redis' }, 'stale-card store (Redis) unavailable: answering fresh cards only, without stale ones');
    else logger.info({ store: 'redis' }, first ? 'stale-card store (Redis) connected' : 'stale-card store (Redis) available again');
  };
  redis.on('ready', () => changed(true));
  redis.on('error', (error: Error) => changed(false, error));
  redis.on('end', () => changed(false));

  const keyOf = (material: string) => keyPrefix + createHmac('sha256', keySecret).update(material).digest('base64url');

  return {
    kind: 'redis',
    async read(keys) {
      if (keys.length === 0 || redis.status !== 'ready') return keys.map(() => undefined);
      try {
        const values = await redis.mget(keys.map(keyOf));
        events?.roundTrip('read', true);
        return values.map(parse);
      } catch (error) {
        // A timeout on a live connection is counted, not logged: it could repeat on every request.
        events?.roundTrip('read', false);
        return keys.map(() => undefined);
      }
    },
    write(entries) {
      if (entries.length === 0 || redis.status !== 'ready') return;
      const pipeline = redis.pipeline();
      // JSON.stringify(entry), the components' text shared with the answer (plain/card-json.ts).
      for (const [key, entry] of entries) pipeline.set(keyOf(key), `{"components":${componentsJson(entry.components)},"storedAt":${entry.storedAt}}`, 'PX', maxAgeMs);
      pipeline.exec().then(
        (results) => {
          events?.roundTrip('write', !results?.some(([error]) => error));
        },
        () => events?.roundTrip('write', false),
      );
    },
    problem: () => (redis.status === 'ready' ? undefined : `Redis not connected (${redis.status}): stale cards are off until it is`),
    async close() {
      closed = true;
      redis.disconnect();
    },
  };
}

/** A value this code wrote, or nothing: a foreign or broken value is a miss, not an error. */
function parse(value: string | null): StoredCard | undefined {
  if (value === null) return undefined;
  try {
    const entry = JSON.parse(value) as StoredCard;
    return typeof entry.storedAt === 'number' && (entry.components === null || Array.isArray(entry.components)) ? entry : undefined;
  } catch {
    return undefined;
  }
}
