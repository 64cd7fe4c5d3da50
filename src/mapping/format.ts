// Pure formatters shared by mappers: money, dates, counts. UTC and en-US so output never depends on the host.

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `2026-03-05T…` → `5 Mar 2026`. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Integer minor units and an ISO currency → `$1,234.50`. */
export function formatMoney(amountCents: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(amountCents / 100);
}

const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** `PAST_DUE` → `Past due`. */
export function humanizeEnum(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
