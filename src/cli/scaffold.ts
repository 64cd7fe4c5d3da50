// What `cardql add-source` writes: a first zero-code card from a root field that finds a customer by email or id.
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** The card to write: its key, its stored query, and the root field and variable it was built from. */
export type ScaffoldedCard = { key: string; query: string; field: string; variable: 'email' | 'externalId' };

/** Root fields named like these are what a customer card is about, in this order of preference. */
const SUBJECTS = ['customer', 'user', 'account', 'contact', 'person', 'member', 'client', 'organization', 'company'];
/** Fields per object shown, and how deep objects are followed: a first card, not the whole graph. */
const MAX_FIELDS = 10;
const MAX_DEPTH = 2;

/**
 * Picks the root field that finds one customer by email (best) or by your id for them, and writes a
 * query selecting its scalar and enum fields (and those of its objects, one level down). Undefined
 * when no root field can be called with only those: the author then writes the first query.
 */
export function scaffoldCard(source: string, schema: GraphQLSchema): ScaffoldedCard | undefined {
  const root = schema.getQueryType();
  if (!root) return undefined;
  const candidates = Object.values(root.getFields()).flatMap((field) => {
    const bound = bindArguments(field);
    const returns = getNullableType(field.type);
    return bound && isObjectType(returns) ? [{ field, returns, ...bound }] : [];
  });
  const subjectRank = (name: string) => {
    const index = SUBJECTS.findIndex((subject) => name.toLowerCase().includes(subject));
    return index === -1 ? SUBJECTS.length : index;
  };
  candidates.sort((a, b) => Number(a.variable !== 'email') - Number(b.variable !== 'email') || subjectRank(a.field.name) - subjectRank(b.field.name));
  const chosen = candidates[0];
  if (!chosen) return undefined;
  const operation = pascal(`${source}-${chosen.field.name}`);
  const declared = chosen.variable === 'email' ? `$email: ${chosen.argumentType.replace(/!$/, '')}!` : `$externalId: ${chosen.argumentType.replace(/!$/, '')}${chosen.argumentType.endsWith('!') ? ' = ""' : ''}`;
  const selection = select(chosen.returns, 1, '    ');
  const query = [
    `# Written by \`cardql add-source\`: the source's ${chosen.field.name} for the customer Plain shows, laid out automatically.`,
    '# Remove what agents do not need, add hints (@label, @badge, @hide, @link: docs/authoring.md), or write a mapper.',
    `query ${operation}(${declared}) {`,
    `  ${chosen.field.name}(${chosen.argument}: $${chosen.variable}) {`,
    selection,
    '  }',
    '}',
    '',
  ].join('\n');
  return { key: kebab(`${source}-${chosen.field.name}`), query, field: chosen.field.name, variable: chosen.variable };
}

/** The one argument bound to a customer's identity, when every other argument is optional. */
function bindArguments(field: GraphQLField<unknown, unknown>): { argument: string; argumentType: string; variable: 'email' | 'externalId' } | undefined {
  let best: { argument: string; argumentType: string; variable: 'email' | 'externalId' } | undefined;
  for (const arg of field.args) {
    const named = getNamedType(arg.type);
    const stringy = isScalarType(named) && !['Int', 'Float', 'Boolean'].includes(named.name) && !isListType(getNullableType(arg.type));
    const variable = !stringy ? undefined : /e-?mail/i.test(arg.name) ? 'email' : /^(external_?id|id|customer_?id|user_?id|account_?id)$/i.test(arg.name) ? 'externalId' : undefined;
    if (variable && (!best || (variable === 'email' && best.variable !== 'email'))) best = { argument: arg.name, argumentType: String(arg.type), variable };
  }
  if (!best) return undefined;
  const unbound = field.args.filter((arg) => arg.name !== best.argument && isNonNullType(arg.type) && arg.defaultValue === undefined);
  return unbound.length === 0 ? best : undefined;
}

/** Scalars and enums first, then objects (one level), skipping fields that need arguments, lists of objects and connections. */
function select(type: GraphQLObjectType, depth: number, indent: string): string {
  const fields = Object.values(type.getFields()).filter((f) => !f.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined));
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)) && !isListType(getNullableType(f.type)));
  const lines = leaves.slice(0, MAX_FIELDS).map((f) => `${indent}${f.name}`);
  if (depth < MAX_DEPTH) {
    const objects = fields.filter((f) => isObjectType(getNullableType(f.type)) && !/Connection$/.test(getNamedType(f.type).name));
    for (const f of objects.slice(0, 3)) {
      const inner = select(getNamedType(f.type) as GraphQLObjectType, depth + 1, `${indent}  `);
      if (inner) lines.push(`${indent}${f.name} {`, inner, `${indent}}`);
    }
  }
  if (lines.length === 0 && leaves.length === 0) return fields.some((f) => isEnumType(getNamedType(f.type))) ? '' : `${indent}__typename`;
  return lines.join('\n');
}

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean);
}

function pascal(text: string): string {
  return words(text)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function kebab(text: string): string {
  return words(text)
    .map((w) => w.toLowerCase())
    .join('-');
}
