// At startup: when a source is reachable, compare its live schema with the pinned one, and warn about stored queries it breaks.
import { findBreakingChanges, validate } from 'graphql';
import type { RemoteSource } from './remote-source.ts';
import type { Logger } from '../log.ts';
import type { Registry } from '../registry/registry.ts';
import { fetchLiveSchema } from './live-schema.ts';

export type DriftReport =
  | { source: string; status: 'unreachable'; reason: string }
  | { source: string; status: 'slow'; timeoutMs: number }
  | { source: string; status: 'checked'; breakingChanges: string[]; brokenCards: Array<{ key: string; problems: string[] }> };

/**
 * Checks every remote source concurrently, after the server listens (it never delays serving);
 * never throws and never stops anything (the pinned schema is the contract; drift is news for
 * whoever operates the source). Logs a warning per stored query that the live schema would reject,
 * naming the card and what breaks it, and the breaking changes that no stored query uses at info.
 * Each introspection may take the source's own timeout (`timeoutMs` overrides it): a source slower
 * than that is reported as slow, not as unreachable.
 */
export async function checkDrift({ sources, registry, logger, timeoutMs }: { sources: readonly RemoteSource[]; registry: Registry; logger: Logger; timeoutMs?: number }): Promise<DriftReport[]> {
  return Promise.all(
    sources.map(async (source): Promise<DriftReport> => {
      let live;
      const limit = timeoutMs ?? source.config.timeoutMs;
      const signal = AbortSignal.timeout(limit);
      try {
        live = await fetchLiveSchema(source.config, signal);
      } catch (error) {
        if (signal.aborted) {
          logger.info({ source: source.name, timeoutMs: limit }, 'remote source did not answer the introspection in time: its live schema was not checked against the pinned one');
          return { source: source.name, status: 'slow', timeoutMs: limit };
        }
        const reason = error instanceof Error ? error.message : String(error);
        logger.warn({ source: source.name, err: error }, 'remote source not reachable at startup: its live schema was not checked, and its cards fail until it answers');
        return { source: source.name, status: 'unreachable', reason };
      }
      const breakingChanges = findBreakingChanges(source.schema, live).map((change) => change.description);
      const brokenCards = [...registry.values()]
        .filter((card) => card.source === source.name)
        .map((card) => ({ key: card.key, problems: validate(live, card.document).map((error) => error.message) }))
        .filter((card) => card.problems.length > 0);
      for (const card of brokenCards) {
        const how = source.config.merge
          ? 'this card will fail; a merged request holding it fails as a whole, so its other cards are re-run unmerged (one extra upstream request each)'
          : 'this card will fail';
        logger.warn({ source: source.name, card: card.key, problems: card.problems }, `the live schema of a remote source breaks a stored query: ${how}; update the query, or the source`);
      }
      if (breakingChanges.length > 0 && brokenCards.length === 0) {
        logger.info({ source: source.name, breakingChanges }, 'the live schema drifted from the pinned one, in ways no stored query uses: run npm run schema:pull');
      }
      return { source: source.name, status: 'checked', breakingChanges, brokenCards };
    }),
  );
}
