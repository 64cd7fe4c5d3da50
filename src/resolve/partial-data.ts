// When a query's errors still leave a card its data: the partial-data policy of sources that map partial data (remote ones).
import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';

/** An error a card was mapped despite: its path and code only (an upstream message may hold customer data). */
export type PartialError = { path: string; code?: string };

/**
 * The errors of `result` when the card may still be mapped from its data, else undefined. A card
 * gets partial data when `data` came back and every error sits on a NULLABLE field whose value is
 * null: what the card needs as non-null is all there, and its mapper sees what came back. An error
 * without a path (the request failed as a whole), or on a non-null field (its null spread up to a
 * parent, so more than that field is lost), fails the card.
 */
export function partialErrors(schema: GraphQLSchema, document: DocumentNode, result: ExecutionResult): PartialError[] | undefined {
  if (!result.errors?.length || result.data === null || result.data === undefined) return undefined;
  const partial: PartialError[] = [];
  for (const error of result.errors) {
    const path = error.path;
    if (!path?.length) return undefined;
    const type = typeAtPath(schema, document, path);
    if (!type || isNonNullType(type) || valueAt(result.data, path) !== null) return undefined;
    const code = error.extensions?.code;
    partial.push({ path: path.join('.'), ...(typeof code === 'string' && { code }) });
  }
  return partial;
}

type FieldAt = { name: string; selectionSet: SelectionSetNode | undefined; on: GraphQLNamedType | undefined };

/** The schema type of the field a response path leads to, through aliases, fragments and list indexes. */
function typeAtPath(schema: GraphQLSchema, document: DocumentNode, path: ReadonlyArray<string | number>): GraphQLOutputType | undefined {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));

  const findField = (set: SelectionSetNode, key: string, on: GraphQLNamedType | undefined): FieldAt | undefined => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if ((selection.alias?.value ?? selection.name.value) === key) return { name: selection.name.value, selectionSet: selection.selectionSet, on };
        continue;
      }
      const fragment: InlineFragmentNode | FragmentDefinitionNode | undefined = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : on;
      const found = findField(fragment.selectionSet, key, condition ?? undefined);
      if (found) return found;
    }
    return undefined;
  };

  let type: GraphQLOutputType | undefined = schema.getRootType(operation.operation) ?? undefined;
  let selectionSet: SelectionSetNode | undefined = operation.selectionSet;
  for (const segment of path) {
    if (!type) return undefined;
    const nullable: GraphQLOutputType = getNullableType(type);
    if (typeof segment === 'number') {
      type = isListType(nullable) ? (nullable.ofType as GraphQLOutputType) : undefined;
      continue;
    }
    const field: FieldAt | undefined = selectionSet ? findField(selectionSet, segment, undefined) : undefined;
    // A field selected in a fragment on a narrower type is defined on that type.
    const owner: GraphQLNamedType | undefined = field?.on ?? getNamedType(nullable);
    if (!field || !owner || !(isObjectType(owner) || isInterfaceType(owner))) return undefined;
    type = owner.getFields()[field.name]?.type;
    selectionSet = field.selectionSet;
  }
  return type;
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}
