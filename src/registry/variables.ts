// The variables a stored query may declare, where each value comes from, and the types that can hold it.
import { getNamedType, isNonNullType, isScalarType, type GraphQLSchema, type VariableDefinitionNode, typeFromAST } from 'graphql';
import type { CardsRequest } from '../plain/cards-request.ts';

type Binding = {
  /** Whether Plain may send no value (null): such a variable must be declared nullable. */
  nullable: boolean;
  value: (request: CardsRequest, workspaceId: string | null) => string | null;
};

/** Every variable a stored query may declare, bound from Plain's request. */
export const BINDINGS: Record<string, Binding> = {
  customerId: { nullable: false, value: (r) => r.customer.id },
  email: { nullable: false, value: (r) => r.customer.email },
  externalId: { nullable: true, value: (r) => r.customer.externalId },
  threadId: { nullable: true, value: (r) => r.thread?.id ?? null },
  threadExternalId: { nullable: true, value: (r) => r.thread?.externalId ?? null },
  tenantId: { nullable: true, value: (r) => r.tenant?.id ?? null },
  tenantExternalId: { nullable: true, value: (r) => r.tenant?.externalId ?? null },
  workspaceId: { nullable: true, value: (_r, workspaceId) => workspaceId },
};

/** Built-in scalars that cannot hold an id or an email. Custom scalars are trusted to take strings. */
const NOT_STRINGS = new Set(['Int', 'Float', 'Boolean']);

/** Problems with one declared variable, as sentences; empty when it can be bound. */
export function checkVariable(definition: VariableDefinitionNode, schema: GraphQLSchema): string[] {
  const name = definition.variable.name.value;
  const binding = BINDINGS[name];
  if (!binding) {
    return [`variable $${name} is not one cardql can bind: expected one of ${Object.keys(BINDINGS).map((n) => `$${n}`).join(', ')}`];
  }
  const type = typeFromAST(schema, definition.type as Parameters<typeof typeFromAST>[1]);
  if (!type) return []; // an unknown type is reported by GraphQL validation
  const named = getNamedType(type);
  const nullableType = isNonNullType(type) ? type.ofType : type;
  if (nullableType !== named || !isScalarType(named) || NOT_STRINGS.has(named.name)) {
    return [`variable $${name} must be a string type (String, ID or a custom scalar), received ${String(type)}`];
  }
  if (binding.nullable && isNonNullType(type)) {
    return [`variable $${name} can be null in Plain's request: declare it as ${named.name}, not ${String(type)}`];
  }
  return [];
}

/** The values for the variables a query declares, from one Plain request. */
export function bindVariables(names: readonly string[], request: CardsRequest, workspaceId: string | null): Record<string, string | null> {
  const variables: Record<string, string | null> = {};
  for (const name of names) variables[name] = BINDINGS[name]?.value(request, workspaceId) ?? null;
  return variables;
}
