// Per-source circuit breaker and concurrency limit (cockatiel) around the upstream request: a failing source fails fast.
import { BrokenCircuitError, BulkheadRejectedError, CircuitState, ConsecutiveBreaker, bulkhead, circuitBreaker, handleWhenResult, wrap } from 'cockatiel';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Transport } from './transport.ts';
import type { SourceGuardConfig } from './declaration.ts';

export type SourceGuardEvents = {
  circuit(source: string, state: 'closed' | 'half-open' | 'open'): void;
  rejected(source: string, reason: 'circuit-open' | 'bulkhead-full'): void;
};

const STATE_NAMES = { [CircuitState.Closed]: 'closed', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Open]: 'open', [CircuitState.Isolated]: 'open' } as const;

/** A failure of the source itself (unreachable, timeout, 5xx, bad answer), as the transport reports it; GraphQL errors in a good answer are not. */
function isSourceFailure(result: unknown): boolean {
  return (result as ExecutionResult).errors?.some((error) => error.extensions?.code === 'UPSTREAM_FAILED') ?? false;
}

/**
 * Wraps the transport of one source: the one place its requests pass. After `failures` consecutive failures the breaker opens and
 * every call fails at once (so that a card's last good components come at once, not after the
 * timeout) for `halfOpenAfterMs`; then ONE call probes the source while the others still fail fast;
 * its success closes the breaker, its failure opens it again. Never throws, like the transport.
 */
export function guardTransport(send: Transport, source: string, { breaker: limits, concurrency }: SourceGuardConfig, events: SourceGuardEvents): Transport {
  const breaker = circuitBreaker(handleWhenResult(isSourceFailure), { halfOpenAfter: limits.halfOpenAfterMs, breaker: new ConsecutiveBreaker(limits.failures) });
  breaker.onStateChange((state) => events.circuit(source, STATE_NAMES[state]));
  const policy = wrap(bulkhead(concurrency.max, concurrency.queue), breaker);
  return async (operation, scope) => {
    // cockatiel makes calls during a probe wait for it (up to the source's timeout): failing them is faster.
    if (breaker.state === CircuitState.HalfOpen) return rejected(events, source, 'circuit-open');
    try {
      return await policy.execute(() => send(operation, scope));
    } catch (error) {
      if (error instanceof BrokenCircuitError) return rejected(events, source, 'circuit-open');
      if (error instanceof BulkheadRejectedError) return rejected(events, source, 'bulkhead-full');
      return { errors: [new GraphQLError(`source "${source}": ${error instanceof Error ? error.message : String(error)}`, { extensions: { code: 'UPSTREAM_FAILED' } })] };
    }
  };
}

function rejected(events: SourceGuardEvents, source: string, reason: 'circuit-open' | 'bulkhead-full'): ExecutionResult {
  events.rejected(source, reason);
  const why =
    reason === 'circuit-open'
      ? `source "${source}" failed repeatedly: its circuit breaker is open, so it is not called until a probe succeeds`
      : `source "${source}" has too many calls in flight and waiting: this one was refused`;
  // Not UPSTREAM_FAILED: a refused call must not count as one more failure of the source.
  return { errors: [new GraphQLError(why, { extensions: { code: 'SOURCE_REFUSED' } })] };
}
