// A cards response's JSON text, each card's components serialised once and shared with the last-good store.
import type { Card, CardsResponse } from './cards-response.ts';

/** Keyed by the components array itself: the one the store keeps is the one answered, in the same request. */
const texts = new WeakMap<object, string>();

/** `JSON.stringify(components)`, made once per components array. */
export function componentsJson(components: Card['components']): string {
  if (components === null) return 'null';
  let text = texts.get(components);
  if (text === undefined) texts.set(components, (text = JSON.stringify(components)));
  return text;
}

/** `JSON.stringify(card)` for a card made by cardql (key, timeToLiveSeconds, components, in that order), its components from `componentsJson`. */
export function cardJson({ key, timeToLiveSeconds, components }: Card): string {
  const ttl = timeToLiveSeconds === undefined ? '' : `,"timeToLiveSeconds":${JSON.stringify(timeToLiveSeconds)}`;
  return `{"key":${JSON.stringify(key)}${ttl},"components":${componentsJson(components)}}`;
}

/** `JSON.stringify(response)`, from `cardJson`. */
export function cardsResponseJson({ cards }: CardsResponse): string {
  let text = '{"cards":[';
  for (let i = 0; i < cards.length; i++) text += (i === 0 ? '' : ',') + cardJson(cards[i]!);
  return `${text}]}`;
}
