// The automatic layout's words and values: labels from field names, status colours, dates, clean cuts.
import type { BadgeColor } from '../plain/components.ts';
import { formatCount, formatDate, formatMoney, httpUrl, humanizeEnum } from './format.ts';

/** Words written in capitals in a label: `externalId` → "External ID". */
const ACRONYMS = new Set(['id', 'ids', 'url', 'urls', 'uri', 'api', 'ip', 'sku', 'vat', 'iso', 'mrr', 'arr', 'sla', 'csv', 'pdf', 'utc', 'ui']);

/** `renewsAt` → "Renews at", `plan_tier` → "Plan tier", `externalId` → "External ID", `HTTPStatus` → "HTTP status". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : /^[A-Z0-9]+$/.test(word) && word.length > 1 ? word : word.toLowerCase()));
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/**
 * Status words agents read at a glance, by colour: green is fine, red needs action, yellow is
 * waiting, blue is in progress. Anything else is grey, so an unknown status never looks alarming.
 */
const STATUS_COLORS: Record<Exclude<BadgeColor, 'GREY'>, readonly string[]> = {
  GREEN: ['ACTIVE', 'PAID', 'DELIVERED', 'SUCCEEDED', 'SUCCESS', 'COMPLETED', 'COMPLETE', 'ENABLED', 'VERIFIED', 'HEALTHY', 'ONLINE', 'RESOLVED', 'DONE', 'APPROVED', 'CONFIRMED', 'SETTLED', 'OK', 'LIVE'],
  RED: ['PAST_DUE', 'OVERDUE', 'FAILED', 'FAILURE', 'ERROR', 'UNPAID', 'BLOCKED', 'SUSPENDED', 'DECLINED', 'REJECTED', 'DISPUTED', 'CHARGEBACK', 'DELINQUENT', 'OFFLINE', 'CRITICAL', 'FRAUDULENT', 'UNHEALTHY'],
  YELLOW: ['PENDING', 'WAITING', 'ON_HOLD', 'PAUSED', 'INCOMPLETE', 'AT_RISK', 'REVIEW', 'IN_REVIEW', 'UNVERIFIED', 'EXPIRING', 'WARNING', 'PARTIALLY_PAID', 'REQUIRES_ACTION'],
  BLUE: ['TRIALING', 'TRIAL', 'OPEN', 'SHIPPED', 'IN_TRANSIT', 'PROCESSING', 'IN_PROGRESS', 'SCHEDULED', 'NEW', 'ACTIVE_TRIAL', 'UPCOMING'],
};
const STATUS_COLOR = new Map(Object.entries(STATUS_COLORS).flatMap(([color, words]) => words.map((w) => [w, color as BadgeColor])));

/** The automatic colour of an enum value or a boolean: `ACTIVE` and `true` green, `PAST_DUE` red, unknown grey. */
export function statusColor(value: string | boolean): BadgeColor {
  if (value === true) return 'GREEN';
  if (value === false) return 'GREY';
  return STATUS_COLOR.get(value.toUpperCase()) ?? 'GREY';
}

/** The words on a badge for an enum value or a boolean. */
export function badgeText(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return formatNumber(value);
  return /^[A-Z0-9_]+$/.test(value) ? humanizeEnum(value) : value;
}

export function formatNumber(value: number): string {
  return formatCount(value);
}

/** Fields holding an amount's currency: a code (`"EUR"`), or an object holding one (`currency { code }`). */
export const CURRENCY_KEYS: ReadonlySet<string> = new Set(['currency', 'currencyCode', 'currency_code']);
/** Inside a currency object, the field holding its code. */
export const CURRENCY_CODE_KEYS: ReadonlySet<string> = new Set(['code', 'isoCode', 'iso', 'currencyCode', 'iso4217']);

/**
 * The currency code an object gives its amounts: its `currency` (or `currencyCode`) when a string,
 * or the code inside it when an object (`currency { code }`, `{ isoCode }`, `{ currencyCode }`).
 */
export function currencyOf(parent: Record<string, unknown>): string | undefined {
  for (const key of CURRENCY_KEYS) {
    const value = parent[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (typeof value === 'object' && value !== null) {
      const inner = value as Record<string, unknown>;
      const code = [...CURRENCY_CODE_KEYS].map((k) => inner[k]).find((v) => typeof v === 'string' && v.trim());
      if (typeof code === 'string') return code;
    }
  }
  return undefined;
}

/** Scalars holding HTML (GitHub's `HTML`, `RichText` elsewhere): shown as the text a reader sees. */
export const HTML_SCALARS: ReadonlySet<string> = new Set(['HTML', 'Html', 'RichText']);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** HTML as plain text: block ends and <br> become line breaks, tags go, the common entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\s*br\s*\/?>/gi, '\n')
    .replace(/<\/\s*(p|div|li|h[1-6]|tr|blockquote|pre)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? (/^#\d+$/.test(name) ? String.fromCodePoint(Number(name.slice(1))) : whole))
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}

/** Minor units and a currency, or the plain number when the currency is missing. */
export function formatAmount(minorUnits: number, currency: unknown): string {
  return typeof currency === 'string' && currency.trim() ? formatMoney(minorUnits, currency) : decimal.format(minorUnits / 100);
}

const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** `2026-11-14T00:00:00.000Z` → "14 Nov 2026"; a time other than midnight is kept: "18 Nov 2026, 14:12 UTC". Not a date → null. */
export function formatIsoDate(value: string): string | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const midnight = date.getUTCHours() === 0 && date.getUTCMinutes() === 0;
  return !match[1] || midnight ? formatDate(value) : `${formatDate(value)}, ${timeFormat.format(date)} UTC`;
}

/** The URL when the value is one absolute http(s) URL, else null. */
export function asUrl(value: string): string | null {
  return /^https?:\/\/\S+$/i.test(value) ? httpUrl(value) : null;
}

/** Cuts text to at most `max` characters at a word boundary when there is one close by, ending with "…". */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  const hard = value.slice(0, max - 1);
  const space = hard.search(/\s\S*$/);
  const cut = space > max * 0.8 ? hard.slice(0, space) : hard;
  return `${cut.trimEnd()}…`;
}

/** Escapes Markdown so a label is shown as written inside Plain's markdown text. */
export function escapeMarkdown(value: string): string {
  return value.replace(/([\\`*_[\]()#~>|])/g, '\\$1');
}

/** "Orders" → "orders", "URL" stays "URL": for "No orders", "+2 more". */
export function lowerFirst(label: string): string {
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}
