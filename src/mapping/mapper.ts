// What a mapper (src/cards/<key>.ts) exports: a pure function from its query's data to components.
import type { Component } from '../plain/components.ts';
import type { CardsRequest } from '../plain/cards-request.ts';

/** What a mapper returns: components, `null` (no data: Plain hides the card), or either with a TTL. */
export type CardOutput =
  | Component[]
  | null
  | { components: Component[] | null; timeToLiveSeconds?: number | null };

/** What a mapper may know about the request besides its query's data. */
export type MapContext = Pick<CardsRequest, 'customer' | 'thread' | 'tenant'>;

export type Mapper<TData = unknown> = {
  /**
   * Seconds Plain may cache this card; `null` keeps the TTL configured in Plain.
   * Must be an integer in [15, 31536000]; a mapper may override it per response.
   */
  timeToLiveSeconds: number | null;
  /** Pure: the same data always gives the same components. Never reads the clock or the network. */
  map: (data: TData, context: MapContext) => CardOutput;
};

/** Declares a card; the type parameter is the generated result type of its stored query. */
export function defineMapper<TData>(mapper: Mapper<TData>): Mapper<TData> {
  return mapper;
}
