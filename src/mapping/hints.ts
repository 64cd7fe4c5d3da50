// Layout hints: the few directives a stored query may carry for its automatic layout. They are
// validated at startup against a copy of the source's schema that knows them, then stripped, so no
// source ever sees them.
import {
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLError,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  DirectiveLocation,
  visit,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { BadgeColor } from '../plain/components.ts';

/** Badge colours keyed by the value they paint, e.g. `{ ACTIVE: GREEN, PAST_DUE: RED }`. */
export type BadgeColors = Record<string, BadgeColor>;

/** The hints of one field, read from its directives. */
export type FieldHints = {
  label?: string;
  hide: boolean;
  badge?: { color?: BadgeColor; colors?: BadgeColors };
  link?: { label?: string };
};

/** The hints of the whole card, from `@card` on the query. (The query's folder chooses its source.) */
export type CardHints = { ttl?: number };

const badgeColor = new GraphQLEnumType({
  name: 'CardqlBadgeColor',
  description: "A badge colour in Plain's palette.",
  values: Object.fromEntries(BadgeColor.options.map((color) => [color, { value: color }])),
});

const badgeColors = new GraphQLScalarType({
  name: 'CardqlBadgeColors',
  description: 'Badge colours by value: `{ ACTIVE: GREEN, PAST_DUE: RED }`.',
  parseLiteral: (node) => parseBadgeColors(node),
  parseValue: () => {
    throw new GraphQLError('badge colours are written in the query, never passed as a variable');
  },
});

/** Every hint directive, as graphql-js objects: validation then checks names, arguments and places for us. */
export const HINT_DIRECTIVES: readonly GraphQLDirective[] = [
  new GraphQLDirective({
    name: 'card',
    description: 'Card settings: seconds Plain may cache the card (15 to 31536000).',
    locations: [DirectiveLocation.QUERY],
    args: { ttl: { type: GraphQLInt } },
  }),
  new GraphQLDirective({
    name: 'label',
    description: 'The caption shown for this field instead of its name made human.',
    locations: [DirectiveLocation.FIELD],
    args: { text: { type: new GraphQLNonNull(GraphQLString) } },
  }),
  new GraphQLDirective({
    name: 'hide',
    description: 'Fetch the field but leave it out of the card.',
    locations: [DirectiveLocation.FIELD],
  }),
  new GraphQLDirective({
    name: 'badge',
    description: 'Show this value as a badge: one colour, or a colour per value (others keep the automatic colour).',
    locations: [DirectiveLocation.FIELD],
    args: { color: { type: badgeColor }, colors: { type: badgeColors } },
  }),
  new GraphQLDirective({
    name: 'link',
    description: 'Show this URL as a link button with this label.',
    locations: [DirectiveLocation.FIELD],
    args: { label: { type: GraphQLString } },
  }),
];

export const HINT_NAMES: ReadonlySet<string> = new Set(HINT_DIRECTIVES.map((d) => d.name));

/** Hint directives a source does not define itself: those are cardql's to read and strip. */
export function ownHints(schema: GraphQLSchema): ReadonlySet<string> {
  return new Set(HINT_DIRECTIVES.filter((d) => !schema.getDirective(d.name)).map((d) => d.name));
}

const hintedSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();

/**
 * The source's schema plus the hint directives, for validating stored queries as written. A
 * directive the source already defines stays the source's: it is validated as the source says and
 * passed through. Throws when the source has a type named like one of ours (`CardqlBadgeColor`).
 */
export function withHints(schema: GraphQLSchema): GraphQLSchema {
  let hinted = hintedSchemas.get(schema);
  if (!hinted) {
    const own = ownHints(schema);
    const config = schema.toConfig();
    hinted = new GraphQLSchema({
      ...config,
      types: [...config.types, badgeColor, badgeColors],
      directives: [...config.directives, ...HINT_DIRECTIVES.filter((d) => own.has(d.name))],
    });
    hintedSchemas.set(schema, hinted);
  }
  return hinted;
}

/** The document without cardql's hints: what is executed. Locations of everything else are kept. */
export function stripHints(document: DocumentNode, own: ReadonlySet<string>): DocumentNode {
  return visit(document, {
    Directive: (node) => (own.has(node.name.value) ? null : undefined),
  });
}

/** Every hint directive in the document, for reporting hints that would have no effect. */
export function hintDirectives(document: DocumentNode, own: ReadonlySet<string>): DirectiveNode[] {
  const found: DirectiveNode[] = [];
  visit(document, {
    Directive: (node) => {
      if (own.has(node.name.value)) found.push(node);
    },
  });
  return found;
}

/**
 * What to add to a GraphQL validation message about a hint, so that it says what was expected:
 * the hints there are, or the colours Plain has. Empty for other messages.
 */
export function hintAdvice(message: string): string {
  if (/^Unknown directive "@/.test(message)) return ` Layout hints are ${HINT_DIRECTIVES.map((d) => `@${d.name}`).join(', ')} (docs/authoring.md).`;
  if (message.includes(`"${badgeColor.name}"`)) return ` Badge colours are ${BadgeColor.options.join(', ')}.`;
  return '';
}

/** A hint problem at the line of the node it is about. */
export type HintProblem = { line: number; message: string };

/**
 * Reads `@card` on the query. Assumes the document was validated against `withHints(schema)`;
 * problems are the rules GraphQL cannot express (the TTL range, variables).
 */
export function readCardHints(operation: OperationDefinitionNode, problems: HintProblem[]): CardHints {
  const directive = operation.directives?.find((d) => d.name.value === 'card');
  if (!directive) return {};
  const hints: CardHints = {};
  for (const argument of literalArguments(directive, problems)) {
    const { name, value } = argument;
    if (name === 'ttl' && value.kind === Kind.INT) {
      const ttl = Number(value.value);
      if (ttl < 15 || ttl > 31_536_000) problems.push(at(argument.node, `@card(ttl:) must be from 15 to 31536000 seconds, received ${ttl}`));
      else hints.ttl = ttl;
    }
  }
  return hints;
}

/** Reads the hints on one field (already validated for names, arguments and types). */
export function readFieldHints(field: FieldNode, own: ReadonlySet<string>, problems: HintProblem[]): FieldHints {
  const hints: FieldHints = { hide: false };
  for (const directive of field.directives ?? []) {
    const name = directive.name.value;
    if (!own.has(name)) continue;
    const args = new Map(literalArguments(directive, problems).map((a) => [a.name, a]));
    if (name === 'hide') hints.hide = true;
    if (name === 'label') hints.label = text(args.get('text'), '@label(text:)', problems);
    if (name === 'link') hints.link = { label: text(args.get('label'), '@link(label:)', problems) };
    if (name === 'badge') {
      const color = args.get('color')?.value;
      const colors = args.get('colors')?.value;
      hints.badge = {
        ...(color?.kind === Kind.ENUM && { color: color.value as BadgeColor }),
        ...(colors && { colors: parseBadgeColors(colors) }),
      };
    }
  }
  return hints;
}

/** Plain's label limit is 500; a caption that long would swamp the card, so hints are held to less. */
const MAX_HINT_TEXT = 100;

function text(argument: LiteralArgument | undefined, what: string, problems: HintProblem[]): string | undefined {
  if (argument?.value.kind !== Kind.STRING) return undefined;
  const value = argument.value.value.trim();
  if (!value || value.length > MAX_HINT_TEXT) {
    problems.push(at(argument.node, `${what} must be 1 to ${MAX_HINT_TEXT} characters, received ${JSON.stringify(argument.value.value)}`));
    return undefined;
  }
  return value;
}

type LiteralArgument = { name: string; value: ValueNode; node: ArgumentNode };

/** Hints are read once at startup: a variable, known only per request, cannot set one. */
function literalArguments(directive: DirectiveNode, problems: HintProblem[]): LiteralArgument[] {
  return (directive.arguments ?? []).flatMap((node) => {
    if (node.value.kind === Kind.VARIABLE) {
      problems.push(at(node, `@${directive.name.value}(${node.name.value}:) must be written in the query, received the variable $${node.value.name.value}`));
      return [];
    }
    return [{ name: node.name.value, value: node.value, node }];
  });
}

function parseBadgeColors(node: ValueNode): BadgeColors {
  if (node.kind !== Kind.OBJECT || node.fields.length === 0) {
    throw new GraphQLError('expected an object of value: COLOUR pairs, e.g. {ACTIVE: GREEN, PAST_DUE: RED}', { nodes: node });
  }
  const colors: BadgeColors = {};
  for (const field of node.fields) {
    const value = field.value;
    const color = value.kind === Kind.ENUM || value.kind === Kind.STRING ? BadgeColor.safeParse(value.value) : undefined;
    if (!color?.success) {
      throw new GraphQLError(`the colour for ${field.name.value} must be one of ${BadgeColor.options.join(', ')}`, { nodes: field });
    }
    colors[field.name.value] = color.data;
  }
  return colors;
}

function at(node: { loc?: { startToken: { line: number } } | undefined }, message: string): HintProblem {
  return { line: node.loc?.startToken.line ?? 1, message };
}
