// The automatic layout: a card from the shape of a query's result, for stored queries with no mapper.
// Plain nests at most container → row → leaf, so objects below the top level are flattened into
// sections of their container.
import type { BadgeColor, Component, ContainerContent, LeafComponent } from '../plain/components.ts';
import { badge, container, copyButton, divider, label, linkButton, plainText, row, spacer, text } from '../plain/builders.ts';
import type { FieldPlan, LayoutPlan, LeafPlan } from './auto-layout-plan.ts';
import { asUrl, badgeText, currencyOf, HTML_SCALARS, htmlToText, cutText, escapeMarkdown, formatAmount, formatIsoDate, formatNumber, lowerFirst, statusColor } from './auto-layout-values.ts';

/** What keeps an automatic card readable and within Plain's limits. */
export const AUTO_LIMITS = {
  /**
   * Bytes of component JSON an automatic card aims to stay under. Plain does not publish its limit;
   * its largest example card is about 4 KB. Over it, lists show fewer items (see `LIST_CAPS`).
   */
  budget: 3500,
  /** A longer value gets a line of its own under its label instead of the right side of a row. */
  rowValue: 60,
  /** Text is cut here, at a word when one is close. Plain allows 5000. */
  text: 500,
  /** Labels, badges and button labels are cut here. Plain allows 500. */
  label: 80,
  /** Plain's limit for a copy button: a longer id is shown but not offered for copying a cut value. */
  copyValue: 1000,
} as const;

/** Items shown before "+N more": objects of a list, then values of a list of scalars. Tried in order until the card fits the budget. */
export const LIST_CAPS: ReadonlyArray<Caps> = [
  { objects: 3, values: 5 },
  { objects: 2, values: 3 },
  { objects: 1, values: 1 },
];

type Caps = { objects: number; values: number };
type Json = Record<string, unknown>;
/** What rendering carries down the tree: list caps, and the currency of the nearest object that has one. */
type Scope = { caps: Caps; currency: unknown };

/**
 * Lays out a query result: `null` when every root field is null (the customer is not known, Plain
 * hides the card), otherwise at least one component. Pure: the same plan and data, the same card.
 */
export function autoLayout(plan: LayoutPlan, data: unknown): Component[] | null {
  if (!isObject(data)) return null;
  let fields = visible(plan.fields);
  if (fields.every((field) => isMissing(data[field.key]))) return null;
  let value: Json = data;
  // A lone object (usually `customer`) is what the card is about: show its fields, not a box around them.
  for (let only = fields[0]; fields.length === 1 && only?.kind === 'object' && !only.list; only = fields[0]) {
    const inner = value[only.key];
    if (!isObject(inner) || visible(fieldsOf(only, inner)).length === 0) break;
    fields = visible(fieldsOf(only, inner));
    value = inner;
  }
  let components: Component[] = [];
  for (const caps of LIST_CAPS) {
    components = topLevel(fields, value, { caps, currency: currencyOf(value) });
    if (JSON.stringify(components).length <= AUTO_LIMITS.budget) break;
  }
  if (components.length > 0) return components;
  const only = fields.length === 1 ? fields[0] : undefined;
  return [text(only ? `No ${escapeMarkdown(lowerFirst(only.label))}` : 'Nothing to show', { color: 'MUTED' })];
}

/** Top level: leaves and rows as they are, each object in a container, each object of a list in its own. */
function topLevel(fields: FieldPlan[], parent: Json, scope: Scope): Component[] {
  const lone = fields.length === 1;
  const groups: Component[][] = leavesFirst(fields).map((field): Component[] => {
    const value = parent[field.key];
    if (field.kind === 'leaf') return leafLines(field, value, scope);
    if (!field.list) {
      const content = isObject(value) ? flatten(fieldsOf(field, value), value, [], scope) : [];
      return content.length ? [container(heading(field.label), ...content)] : [];
    }
    const list = listOf(field, value);
    const items = list.items.map((item) => flatten(fieldsOf(field, item), item, [], scope)).filter((content) => content.length > 0);
    if (items.length === 0) return [];
    const boxes = items.slice(0, scope.caps.objects).map((content) => container(...content));
    return [
      ...(lone ? [] : [heading(field.label)]),
      ...joined<Component>(boxes.map((box) => [box]), spacer('S')),
      ...more(Math.max(items.length, list.total) - boxes.length),
    ];
  });
  return joined(groups.filter((group) => group.length > 0), spacer('S'));
}

/** Inside a container: leaves and rows, with nested objects and lists as titled sections between dividers. */
function flatten(fields: FieldPlan[], parent: Json, path: string[], outer: Scope): ContainerContent[] {
  const scope: Scope = { ...outer, currency: currencyOf(parent) ?? outer.currency };
  const blocks: Array<{ section: boolean; content: ContainerContent[] }> = [];
  for (const field of leavesFirst(visible(fields))) {
    const value = parent[field.key];
    if (field.kind === 'leaf') {
      const content = leafLines(field, value, scope);
      if (content.length) blocks.push({ section: false, content });
      continue;
    }
    const title = [...path, field.label];
    const list = field.list ? listOf(field, value) : { items: isObject(value) ? [value] : [], total: 0 };
    const items = list.items.map((item) => flatten(fieldsOf(field, item), item, title, scope)).filter((content) => content.length > 0);
    if (items.length === 0) continue;
    const shown = items.slice(0, field.list ? scope.caps.objects : 1);
    blocks.push({
      section: true,
      content: [heading(title.join(' › '), 'S'), ...joined(shown, divider('S')), ...more(Math.max(items.length, list.total) - shown.length)],
    });
  }
  return blocks.flatMap((block, index) => {
    if (index === 0) return block.content;
    const gap = block.section || blocks[index - 1]!.section ? divider('M') : spacer('S');
    return [gap, ...block.content];
  });
}

/** One field holding a scalar, an enum or a list of them: a row, a link button, or a label over long text. */
function leafLines(field: LeafPlan, raw: unknown, scope: Scope): ContainerContent[] {
  const caption = label(cutText(field.label, AUTO_LIMITS.label));
  const value = field.scalar && HTML_SCALARS.has(field.scalar) && typeof raw === 'string' ? htmlToText(raw) : raw;
  if (field.list) {
    const values = flat(value).filter((v) => !isBlank(v));
    if (values.length === 0) return [];
    const shown = values.slice(0, scope.caps.values).map((v) => valueLeaf(field, v, scope, true));
    return [row(caption, [...shown, ...more(values.length - shown.length)])];
  }
  if (isBlank(value)) return [];
  if (typeof value === 'string' && !isBadge(field, value)) {
    const url = field.leaf !== 'id' ? asUrl(value.trim()) : null;
    if (url) return [linkButton(cutText(field.hints.link?.label ?? linkLabel(field.label), AUTO_LIMITS.label), url)];
    if (isId(field) && value.length <= AUTO_LIMITS.copyValue) {
      const copy = copyButton(value, `Copy ${lowerFirst(cutText(field.label, AUTO_LIMITS.label))}`);
      return [row([caption, plainText(cutText(value, AUTO_LIMITS.text), { size: 'S' })], copy)];
    }
    if (!formatIsoDate(value) && (value.length > AUTO_LIMITS.rowValue || value.includes('\n'))) {
      return [caption, plainText(cutText(value.trim(), AUTO_LIMITS.text))];
    }
  }
  return [row(caption, valueLeaf(field, value, scope, false))];
}

/** A single value as a leaf: a badge, a formatted number or date, or the text as written. */
function valueLeaf(field: LeafPlan, value: unknown, scope: Scope, inList: boolean): LeafComponent {
  if (typeof value === 'boolean' || isBadge(field, value)) {
    const scalar = typeof value === 'boolean' || typeof value === 'number' ? value : String(value);
    return badge(cutText(badgeText(scalar), AUTO_LIMITS.label), badgeColor(field, scalar));
  }
  if (typeof value === 'number') return text(field.money ? formatAmount(value, scope.currency) : formatNumber(value));
  if (typeof value !== 'string') return plainText(cutText(JSON.stringify(value), AUTO_LIMITS.text));
  const date = formatIsoDate(value);
  if (date) return text(date);
  const url = inList && field.leaf !== 'id' ? asUrl(value.trim()) : null;
  if (url) return linkButton(cutText(url.replace(/^https?:\/\//i, ''), AUTO_LIMITS.label), url);
  return plainText(cutText(value.trim(), inList ? AUTO_LIMITS.label : AUTO_LIMITS.text));
}

function isBadge(field: LeafPlan, value: unknown): boolean {
  return (field.leaf === 'enum' || field.leaf === 'boolean' || Boolean(field.hints.badge)) && value !== null && typeof value !== 'object';
}

function badgeColor(field: LeafPlan, value: string | number | boolean): BadgeColor {
  const hint = field.hints.badge;
  return hint?.colors?.[String(value)] ?? hint?.color ?? (typeof value === 'number' ? 'GREY' : statusColor(value));
}

/** `ID` fields, and string fields named like one (`externalId`, `stripe_id`), get a copy button. */
function isId(field: LeafPlan): boolean {
  return field.leaf === 'id' || ((field.leaf === 'string' || field.leaf === 'custom') && /(^id$|Id$|ID$|_id$)/.test(field.key));
}

/** A field named just `url` or `link` says nothing on a button: "Open link" does. */
function linkLabel(fieldLabel: string): string {
  return /^(url|uri|link|href)$/i.test(fieldLabel) ? 'Open link' : fieldLabel;
}

function heading(title: string, size?: 'S'): LeafComponent {
  return text(`**${escapeMarkdown(cutText(title, AUTO_LIMITS.label))}**`, size ? { size } : {});
}

function more(hidden: number): LeafComponent[] {
  return hidden > 0 ? [label(`+${formatNumber(hidden)} more`)] : [];
}

function joined<T>(groups: T[][], gap: T): T[] {
  return groups.flatMap((group, index) => (index === 0 ? group : [gap, ...group]));
}

/** A field shown after an object's section would read as part of it: an object's own values come first. */
function leavesFirst(fields: FieldPlan[]): FieldPlan[] {
  return [...fields.filter((f) => f.kind === 'leaf'), ...fields.filter((f) => f.kind === 'object')];
}

/** The fields one object of an object field shows: its concrete type's own (`__typename`) where its branches differ. */
function fieldsOf(field: Extract<FieldPlan, { kind: 'object' }>, value: Json): FieldPlan[] {
  const type = value.__typename;
  return (typeof type === 'string' && field.byType?.[type]) || field.fields;
}

function visible(fields: FieldPlan[]): FieldPlan[] {
  return fields.filter((field) => !field.hidden);
}

/**
 * The objects of a list field, and how many there are in all: a connection's nodes (from `nodes` or
 * `edges[].node`) with its `totalCount`, so that "+N more" counts what the query did not fetch.
 */
function listOf(field: FieldPlan, value: unknown): { items: Json[]; total: number } {
  const connection = field.kind === 'object' ? field.connection : undefined;
  if (!connection) return { items: objects(value), total: 0 };
  if (!isObject(value)) return { items: [], total: 0 };
  const via = connection.via;
  const items = 'nodes' in via ? objects(value[via.nodes]) : objects(value[via.edges]).flatMap((edge) => objects(edge[via.node]));
  const total = connection.totalKey ? value[connection.totalKey] : undefined;
  return { items, total: typeof total === 'number' && Number.isFinite(total) ? total : 0 };
}

function objects(value: unknown): Json[] {
  return flat(value).filter(isObject);
}

/** Lists of lists are shown as one list. */
function flat(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && flat(value).every((v) => v === null || v === undefined));
}

/** Nothing to show: missing, or a string Plain would reject or render as nothing. */
function isBlank(value: unknown): boolean {
  return isMissing(value) || (typeof value === 'string' && !value.trim());
}
