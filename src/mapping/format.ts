// Pure formatters shared by mappers: money, dates, counts. UTC and en-US so output never depends on the host.

// Written out rather than `Intl.DateTimeFormat('en-GB', …)`: the same text whatever the host's ICU
// (ICU 72 turned en-GB's "Sep" into "Sept"), and far cheaper, several calls per card (docs/performance.md).
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];

/** `2026-03-05T…` → `5 Mar 2026`, the date in UTC. Throws a RangeError on a string that is not a date. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`formatDate expected an ISO 8601 date, received ${JSON.stringify(iso)}`);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * Integer minor units and an ISO currency → `$1,234.50`. A malformed currency code (Intl throws on
 * it) gives `1,234.50 XX` rather than failing the whole card.
 */
export function formatMoney(amountCents: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    } catch {
      const amount = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2 }).format(amountCents / 100);
      return currency.trim() ? `${amount} ${currency.trim()}` : amount;
    }
    moneyFormats.set(currency, format);
  }
  return format.format(amountCents / 100);
}

const countFormat = new Intl.NumberFormat('en-US');

/** `1234567` → `1,234,567`; a fraction keeps up to 3 digits (`1,234.568`). */
export function formatCount(value: number): string {
  // Integers, nearly every count, are grouped here: what Intl's en-US writes, at a tenth of its cost.
  if (!Number.isSafeInteger(value)) return countFormat.format(value);
  const digits = String(Math.abs(value));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return value < 0 ? `-${grouped}` : grouped;
}

/** `PAST_DUE` → `Past due`. */
export function humanizeEnum(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `(3, 'item')` → `3 items`, `(1, 'item')` → `1 item`: English plurals made with an `s`. */
export function pluralize(count: number, noun: string): string {
  return `${formatCount(count)} ${count === 1 ? noun : `${noun}s`}`;
}

/**
 * The trimmed value, or `null` when it is missing or blank: Plain rejects empty strings, and a
 * whitespace-only label renders as nothing, so mappers skip the component instead.
 */
export function presence(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** The URL when it is an absolute http(s) URL Plain's link button accepts, else `null`. */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}
