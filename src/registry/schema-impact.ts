// Which cards a change of a source's schema breaks: the pinned schema against the live one, per change.
import { diff, CriticalityLevel, type Change } from '@graphql-inspector/core';
import { getNamedType, Kind, TypeInfo, validate, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, isEnumType, isInputObjectType } from 'graphql';

/** One breaking change (@graphql-inspector/core's message and schema coordinate) and the cards it breaks. */
export type BreakingChange = { message: string; path: string | undefined; cards: string[] };

/** What changed for one source, and what it does to its cards. */
export type SchemaImpact = {
  breaking: BreakingChange[];
  /** Every card the live schema rejects, with GraphQL's reasons: the ground truth the changes explain. */
  invalid: Array<{ key: string; problems: string[] }>;
};

/** A card as this module needs it: its key and the document that is sent to the source. */
export type CardDocument = { key: string; document: DocumentNode };

/**
 * Compares `pinned` with `live` with @graphql-inspector/core and attributes each breaking change to
 * the cards whose queries use what it changed (a field, an argument, an enum value, or a type they
 * select from). Each card is also validated against `live`: a card the live schema rejects always
 * breaks, whichever change explains it.
 */
export async function schemaImpact(pinned: GraphQLSchema, live: GraphQLSchema, cards: readonly CardDocument[]): Promise<SchemaImpact> {
  const changes = (await diff(pinned, live)).filter((change) => change.criticality.level === CriticalityLevel.Breaking);
  const used = cards.map((card) => ({ key: card.key, coordinates: coordinatesUsed(pinned, card.document) }));
  const breaking = changes.map((change) => ({
    message: change.message,
    path: change.path,
    cards: used.filter((card) => breaks(change, card.coordinates)).map((card) => card.key),
  }));
  const invalid = cards
    .map((card) => ({ key: card.key, problems: validate(live, card.document).map((error) => error.message) }))
    .filter((card) => card.problems.length > 0);
  return { breaking, invalid };
}

/** Whether `change` touches something a card uses. */
function breaks(change: Change, used: ReadonlySet<string>): boolean {
  const path = change.path;
  if (!path) return false;
  if (used.has(path)) return true;
  // A removed or changed type (or field) breaks every card using something inside it.
  for (const coordinate of used) if (coordinate.startsWith(`${path}.`)) return true;
  // A new required argument (or input field) breaks every use of its field (or input type).
  const parent = path.slice(0, path.lastIndexOf('.'));
  return (change.type === 'FIELD_ARGUMENT_ADDED' || change.type === 'INPUT_FIELD_ADDED') && used.has(parent);
}

/**
 * Schema coordinates a document uses, resolved on the schema it was written for: `Type.field`,
 * `Type.field.argument`, `Enum.VALUE` for enum literals, `Input.field` for input object fields, and
 * each type it selects from or passes (so that a removed type is attributed).
 */
export function coordinatesUsed(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD]() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) used.add(`${parent.name}.${field.name}`);
        const type = typeInfo.getType();
        if (type) used.add(getNamedType(type).name);
      },
      [Kind.ARGUMENT]() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (parent && field && argument) used.add(`${parent.name}.${field.name}.${argument.name}`);
        if (argument) used.add(getNamedType(argument.type).name);
      },
      [Kind.OBJECT_FIELD]() {
        const input = typeInfo.getParentInputType();
        const named = input ? getNamedType(input) : undefined;
        if (named && isInputObjectType(named)) used.add(named.name);
      },
      [Kind.ENUM](node) {
        const type = typeInfo.getInputType();
        const named = type ? getNamedType(type) : undefined;
        if (named && isEnumType(named)) used.add(`${named.name}.${node.value}`);
      },
      [Kind.VARIABLE_DEFINITION](node) {
        let type = node.type;
        while (type.kind !== Kind.NAMED_TYPE) type = type.type;
        used.add(type.name.value);
      },
    }),
  );
  return used;
}
