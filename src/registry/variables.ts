// The variables a stored query may declare, where each value comes from, and the types that can hold it.
import {
  getNamedType,
  isNonNullType,
  isScalarType,
  print,
  TypeInfo,
  typeFromAST,
  ValidationContext,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { CardsRequest } from '../plain/cards-request.ts';

type Binding = {
  /** Whether Plain may send no value (null): such a variable must be declared nullable. */
  nullable: boolean;
  /** Who gets null, for messages: "a customer without an external id". */
  nullFor?: string;
  value: (request: CardsRequest, workspaceId: string | null) => string | null;
};

/** Every variable a stored query may declare, bound from Plain's request. */
export const BINDINGS: Record<string, Binding> = {
  customerId: { nullable: false, value: (r) => r.customer.id },
  email: { nullable: false, value: (r) => r.customer.email },
  externalId: { nullable: true, nullFor: 'a customer without an external id', value: (r) => r.customer.externalId },
  threadId: { nullable: true, nullFor: 'a card shown outside a thread', value: (r) => r.thread?.id ?? null },
  threadExternalId: { nullable: true, nullFor: 'a thread without an external id', value: (r) => r.thread?.externalId ?? null },
  tenantId: { nullable: true, nullFor: 'a thread without a tenant', value: (r) => r.tenant?.id ?? null },
  tenantExternalId: { nullable: true, nullFor: 'a tenant without an external id', value: (r) => r.tenant?.externalId ?? null },
  workspaceId: { nullable: true, nullFor: 'a request without a Plain-Workspace-Id header', value: (_r, workspaceId) => workspaceId },
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
    return [
      `variable $${name} can be null in Plain's request (${binding.nullFor}): declare it as ${named.name}, not ${String(type)}` +
        ` (to pass it where ${String(type)} is expected, give it a default: \`$${name}: ${named.name} = ""\`, which cardql then uses)`,
    ];
  }
  return [];
}

/**
 * Advice added to GraphQL's "Variable "$externalId" of type "ID" used in position expecting type "ID!""
 * for a variable Plain may leave null: how to declare it so that the card runs for everyone.
 */
export function nullablePositionAdvice(message: string): string {
  const match = /^Variable "\$(\w+)" of type "(\w+)" used in position expecting type "\w+!"/.exec(message);
  const binding = match ? BINDINGS[match[1]!] : undefined;
  if (!match || !binding?.nullable) return '';
  return ` $${match[1]} is null for ${binding.nullFor}: give it a default (\`$${match[1]}: ${match[2]} = ""\`), which applies when Plain has no value, or use an argument that takes null`;
}

/**
 * Warnings, as `[line, sentence]`, for variables Plain may leave null that the query passes where a
 * value is required, relying on their default: the card runs for those customers, but with the default
 * (often "", which finds nothing), so it may show nothing for them. `document` must be valid.
 */
export function nullableVariableWarnings(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): [number, string][] {
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => {});
  const warnings: [number, string][] = [];
  for (const usage of context.getRecursiveVariableUsages(operation)) {
    const name = usage.node.name.value;
    const binding = BINDINGS[name];
    const definition = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    if (!binding?.nullable || !usage.type || !isNonNullType(usage.type) || !definition?.defaultValue) continue;
    warnings.push([
      usage.node.loc?.startToken.line ?? 1,
      `$${name} is null for ${binding.nullFor}: cardql then leaves it out, so its default ${print(definition.defaultValue)} is used where ${String(usage.type)} is required. ` +
        `Check what the card shows for such a customer (\`cardql render\`), or move the card to a query that does not need $${name}`,
    ]);
  }
  return warnings;
}

/** How a query declares its variables: which cardql binds, and which have a default. */
export type DeclaredVariables = { names: readonly string[]; withDefault: ReadonlySet<string> };

/**
 * The values for the variables a query declares, from one Plain request. A variable that would be
 * null and has a default is left out, so that its default applies: GraphQL uses a default only for a
 * variable not sent, and an explicit null overrides it (\`$externalId: String = ""\` passed to a
 * \`String!\` argument would otherwise fail for every customer without an external id).
 */
export function bindVariables({ names, withDefault }: DeclaredVariables, request: CardsRequest, workspaceId: string | null): Record<string, string | null> {
  const variables: Record<string, string | null> = {};
  for (const name of names) {
    const value = BINDINGS[name]?.value(request, workspaceId) ?? null;
    if (value === null && withDefault.has(name)) continue;
    variables[name] = value;
  }
  return variables;
}
