// GraphiQL for a remote source: validated against its pinned schema, executed by the source itself, so it shows what cards see.
import { Kind, type DefinitionNode, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RemoteSource } from './remote-source.ts';

/**
 * A graphql-yoga plugin for the explorer of `source`: introspection is answered from the pinned
 * schema (the contract cards are checked against); every other operation is sent to the source
 * with its declared headers and timeout, as cards are. GraphiQL is an admin tool behind the admin
 * gate: the only place where a query that is not stored reaches a source.
 */
export function forwardToSource(source: RemoteSource): Plugin {
  return {
    onExecute({ args, setExecuteFn }) {
      const operation = pickOperation(args.document, args.operationName ?? undefined);
      if (!operation || isIntrospection(operation)) return;
      const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: args.document.definitions.filter((d: DefinitionNode) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION) };
      const signal = (args.contextValue as { request?: Request }).request?.signal;
      setExecuteFn((): Promise<ExecutionResult> => source.run({ document, variables: (args.variableValues ?? {}) as Record<string, unknown> }, signal));
    },
  };
}

function pickOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name === undefined ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === name);
}

function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}
