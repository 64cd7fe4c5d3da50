// Resolves every requested card of one Plain request concurrently, all of them within one deadline.
import type { CardsRequest } from '../plain/cards-request.ts';
import type { Executor, RequestScope, Source } from '../execution/executor.ts';
import type { Registry } from '../registry/registry.ts';
import { bindVariables } from '../registry/variables.ts';
import { failedCard, type CardResult } from './card-result.ts';
import { runCard } from './run-card.ts';

export type ResolveInput = {
  registry: Registry;
  sources: ReadonlyMap<string, Source>;
  request: CardsRequest;
  requestId: string;
  workspaceId: string | null;
  deadlineMs: number;
};

export type Resolution = {
  results: CardResult[];
  /** Requested keys with no stored query: left out of the response so Plain shows them as missing. */
  unknownKeys: string[];
};

/**
 * Runs the known cards among `request.cardKeys` (each once, however often it was asked for).
 * At the deadline, cards still running become timeout error cards and their work is aborted.
 */
export async function resolveCards({ registry, sources, request, requestId, workspaceId, deadlineMs }: ResolveInput): Promise<Resolution> {
  const keys = [...new Set(request.cardKeys)];
  const cards = keys.flatMap((key) => registry.get(key) ?? []);
  const unknownKeys = keys.filter((key) => !registry.has(key));
  const scope = new PipelineScope(requestId, workspaceId, performance.now() + deadlineMs);
  const executors = new Map<string, Executor>();
  const executorFor = (name: string): Executor => {
    let executor = executors.get(name);
    if (!executor) {
      executor = sources.get(name)!.createExecutor(scope);
      executors.set(name, executor);
    }
    return executor;
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  const context = { customer: request.customer, thread: request.thread, tenant: request.tenant };
  try {
    const results = await Promise.all(
      cards.map(async (card) => {
        const running = runCard({
          card,
          executor: executorFor(card.source),
          variables: bindVariables(card.variableNames, request, workspaceId),
          context,
        });
        const first = await Promise.race([running, deadline]);
        if (first !== 'deadline') return first;
        return failedCard(card.key, 'timeout', new Error(`card "${card.key}" missed the ${deadlineMs} ms deadline`), Math.round(performance.now() - started));
      }),
    );
    return { results, unknownKeys };
  } finally {
    clearTimeout(timer);
    scope.settle();
  }
}

/**
 * The scope every executor of one Plain request shares. Its signal is made on first read: the
 * in-process source never reads it, and an AbortController costs CPU on every request for nothing to
 * stop. Work still running when the request is answered, and reading it only then, finds it aborted.
 *
 * A class, not an object literal with `get signal()`: V8 puts a literal's own accessor in old space,
 * so each request's getter closure (and through it the request's loaders, rows and cards) survived
 * until a full GC and was promoted by every scavenge before it. Figures: docs/performance.md
 * ("The request scope is a class").
 */
class PipelineScope implements RequestScope {
  #controller: AbortController | undefined;
  #settled = false;

  constructor(
    readonly requestId: string,
    readonly workspaceId: string | null,
    readonly deadlineAt: number,
  ) {}

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#settled) this.#controller.abort(SETTLED);
    }
    return this.#controller.signal;
  }

  /** The request is answered (or its deadline passed): aborts the signal, if anyone read it. */
  settle(): void {
    this.#settled = true;
    this.#controller?.abort(SETTLED);
  }
}

/**
 * The abort reason once a request is answered. Given once: `abort()` without a reason builds a
 * DOMException with its stack on every request (docs/performance.md).
 */
const SETTLED = new Error('the Plain request was answered (or its deadline passed): its remaining work is no longer needed');
