// GraphiQL opens on the stored card queries of its source: one tab per card, ready to run or edit.
import { print } from 'graphql';
import type { Registry } from './registry.ts';
import { BINDINGS } from './variables.ts';

/** A GraphiQL tab: a card's query as it is executed (layout hints stripped), and its variables to fill in. */
export type CardTab = { key: string; query: string; variables: string };

/**
 * One tab per card on `source`, in key order. Variables Plain always sends start empty (`""`), the
 * others `null`, which is what most customers get; fill them in to run the card for someone.
 */
export function cardTabs(registry: Registry, source: string): CardTab[] {
  return [...registry.values()]
    .filter((card) => card.source === source)
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((card) => ({
      key: card.key,
      query: `# The stored query of the card "${card.key}", as cardql runs it (layout hints removed).\n${print(card.document)}\n`,
      variables: JSON.stringify(Object.fromEntries(card.variables.names.map((name) => [name, BINDINGS[name]?.nullable ? null : ''])), null, 2),
    }));
}

/**
 * GraphiQL's options for one page request: every card's tab, and `?card=<key>` opens on that card's
 * query (GraphiQL's own `?query=` still wins).
 */
export function cardTabOptions(tabs: CardTab[], request: Request): { defaultQuery?: string; defaultTabs?: Array<{ query: string; variables: string }>; query?: string; variables?: string } {
  if (tabs.length === 0) return {};
  const wanted = new URL(request.url).searchParams.get('card');
  const chosen = tabs.find((tab) => tab.key === wanted);
  return {
    defaultQuery: tabs[0]!.query,
    defaultTabs: tabs.map(({ query, variables }) => ({ query, variables })),
    ...(chosen && { query: chosen.query, variables: chosen.variables }),
  };
}
