// The body cardql answers Plain with (spec section 3), validated before it leaves.
import { z } from 'zod';
import { Component, ComponentAsUnion } from './components.ts';

/** Plain's card keys: unique per workspace, `[a-zA-Z0-9_-]+`, at most 500 characters. */
export const CardKey = z.string().regex(/^[a-zA-Z0-9_-]+$/, 'expected a card key matching [a-zA-Z0-9_-]+').max(500);
export type CardKey = z.infer<typeof CardKey>;

/** The TTL range Plain accepts for a card, in seconds (15 s to one year). */
export const TTL_RANGE = { min: 15, max: 31_536_000 } as const;

export const TimeToLiveSeconds = z.number().int().min(TTL_RANGE.min).max(TTL_RANGE.max);

export const Card = z.object({
  key: CardKey,
  timeToLiveSeconds: TimeToLiveSeconds.nullish(),
  /** `null` tells Plain the card has no data and must not be displayed. */
  components: z.array(Component).nullable(),
});
export type Card = z.infer<typeof Card>;

// `Card` with its components chosen by union, compiled by zod into one generated function.
const CompiledCard = z.compile(
  z.object({
    key: CardKey,
    timeToLiveSeconds: TimeToLiveSeconds.nullish(),
    components: z.array(ComponentAsUnion).nullable(),
  }),
);

/**
 * Checks a card against Plain's schema, as `Card.safeParse` does, for a fraction of its cost when the
 * card is valid (every card, nearly always): the compiled check accepts, and only a card it rejects
 * goes through `Card` for issues that name the failing field. A valid card is returned as it is,
 * not copied: it has nothing a parse would strip or change.
 */
export function checkCard(value: Card): z.ZodSafeParseResult<Card> {
  return CompiledCard.validate(value) ? { success: true, data: value } : Card.safeParse(value);
}

export const CardsResponse = z.object({ cards: z.array(Card) });
export type CardsResponse = z.infer<typeof CardsResponse>;
