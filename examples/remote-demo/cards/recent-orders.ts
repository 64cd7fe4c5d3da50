// The demo card's own mapper: remote mode changes where the query runs, not how the card looks.
export { default } from '../../../src/cards/recent-orders.ts';
