// Adds `__typename` where an automatic card's result must say which branch of a union or interface an object is.
import { isAbstractType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type GraphQLSchema } from 'graphql';

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * The document with `__typename` selected in every selection set on a union or an interface that does
 * not select it already: the automatic layout reads it to give each branch its own fields and hints
 * (`... on Issue { url @link(label: "Open issue") }` beside `... on PullRequest { url @link(...) }`).
 * The layout never shows it, so it changes nothing else in the card.
 */
export function withTypenames(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const parent = typeInfo.getParentType();
        if (!parent || !isAbstractType(parent)) return undefined;
        const has = node.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename');
        return has ? undefined : { ...node, selections: [...node.selections, TYPENAME] };
      },
    }),
  );
}
