// Metrics of a fleet's shared parts: the stale-card store (Redis round trips, up or down) and each source's circuit breaker.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SourceGuardEvents } from '../remote/breaker.ts';
import type { RedisStoreEvents } from '../stale/redis-store.ts';
import { OTHER } from './metrics.ts';

/** A breaker's state as a gauge value: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Source names in labels come from the declaration, checked again here. */
export type FleetMetrics = { staleStore: RedisStoreEvents; sourceGuard: SourceGuardEvents };

export function createFleetMetrics(registry: Registry, sources: { has(name: string): boolean }): FleetMetrics {
  const registers = [registry];
  // Labelled, so that it is absent without REDIS_URL rather than a misleading 0.
  const storeUp = new Gauge({ name: 'cardql_stale_store_up', help: 'Whether the shared stale-card store is connected: 1 yes, 0 no (absent without REDIS_URL).', labelNames: ['store'], registers });
  const roundTrips = new Counter({
    name: 'cardql_stale_store_round_trips_total',
    help: 'Round trips to the shared stale-card store (Redis), by operation (read: one MGET when cards failed; write: one pipeline of SETs) and result.',
    labelNames: ['operation', 'result'],
    registers,
  });
  const circuit = new Gauge({ name: 'cardql_source_circuit_state', help: "Each remote source's circuit breaker: 0 closed, 1 half-open, 2 open.", labelNames: ['source'], registers });
  const rejected = new Counter({
    name: 'cardql_source_rejected_total',
    help: 'Calls to a remote source refused without reaching it, by source and reason (circuit-open, bulkhead-full).',
    labelNames: ['source', 'reason'],
    registers,
  });
  const source = (name: string) => (sources.has(name) ? name : OTHER);
  return {
    staleStore: {
      roundTrip: (operation, ok) => roundTrips.inc({ operation, result: ok ? 'ok' : 'error' }),
      state: (up) => storeUp.set({ store: 'redis' }, up ? 1 : 0),
    },
    sourceGuard: {
      circuit: (name, state) => circuit.set({ source: source(name) }, CIRCUIT_STATES[state]),
      rejected: (name, reason) => rejected.inc({ source: source(name), reason }),
    },
  };
}
