// The cards of one Plain request that run on one source, as ONE operation: merged once per set of cards
// (then reused: only the variables change per request), and its result split back per card.
import { GraphQLError, Kind, visit, type DocumentNode, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type { ExecutionRequest, Executor } from '../execution/executor.ts';
import { loggable } from '../log.ts';

/** The merged operation of one set of cards, in their order. `cache` holds what a source derives from it once (printed text, compiled query). */
export type MergedOperation = {
  document: DocumentNode;
  operationName: string;
  /** Per card: its variable names, and their prefixed names in the merged operation. */
  variables: Array<Array<readonly [string, string]>>;
  /** Per card: the keys its root fields take in its own `data` (aliases or names), unconditional ones only. */
  rootKeys: string[][];
  /** One card: its own document, unprefixed (what the upstream sees is the card's query as written). */
  single: boolean;
  cache: Map<string, unknown>;
};

/** Each card's prefix, as @graphql-tools/batch-execute writes it (the upstream's logs read the same). */
const prefixOf = (index: number) => `_v${index}_`;
const PREFIXED = /^_v(\d+)_(.+)$/;

/** Distinct sets of cards kept merged; beyond it the cache starts again (a workspace has at most 25 cards, so few sets). */
const MAX_SETS = 256;

/**
 * Merged operations by set of cards: a set's document is built (prefixed aliases, variables and
 * fragments) the first time, and the same object comes back afterwards, so whatever a source keys on
 * it (graphql-jit's compiled query, the printed text) is made once per set, not per request.
 */
export function createOperationMerger() {
  const ids = new WeakMap<DocumentNode, number>();
  let nextId = 0;
  const merged = new Map<string, MergedOperation>();
  return function mergedFor(requests: readonly Pick<ExecutionRequest, 'document' | 'operationName'>[]): MergedOperation {
    let key = '';
    for (const { document, operationName } of requests) {
      let id = ids.get(document);
      if (id === undefined) ids.set(document, (id = nextId++));
      key += `${id}:${operationName},`;
    }
    let operation = merged.get(key);
    if (!operation) {
      if (merged.size >= MAX_SETS) merged.clear();
      merged.set(key, (operation = merge(requests)));
    }
    return operation;
  };
}

/** The variables of one request's cards, under their prefixed names. */
export function mergeVariables(operation: MergedOperation, requests: readonly Pick<ExecutionRequest, 'variables'>[]): Record<string, unknown> {
  if (operation.single) return requests[0]!.variables;
  const variables: Record<string, unknown> = {};
  for (let index = 0; index < requests.length; index++) {
    const values = requests[index]!.variables;
    for (const [name, prefixed] of operation.variables[index]!) if (name in values) variables[prefixed] = values[name];
  }
  return variables;
}

/**
 * The merged result, per card: its data under its own keys, the errors whose path is its own, and the
 * errors without a path (they concern the whole operation) for every card. A card whose root fields
 * are absent with no error of its own (a non-null root field elsewhere nulled all `data`) gets an error
 * saying so, rather than letting its mapper read "no data".
 */
export function splitResult(operation: MergedOperation, { data, errors }: ExecutionResult, source: string, lostDataCode?: string): ExecutionResult[] {
  const count = operation.rootKeys.length;
  if (operation.single) {
    if (!data && errors?.length) return [{ errors: [...errors] }];
    return [withRootKeys(operation.rootKeys[0]!, { data: data ?? {}, ...(errors && { errors: [...errors] as GraphQLError[] }) }, source, lostDataCode)];
  }
  const results: Array<{ data: Record<string, unknown>; errors?: GraphQLError[] }> = Array.from({ length: count }, () => ({ data: {} }));
  if (data) {
    for (const key of Object.keys(data)) {
      const match = PREFIXED.exec(key);
      if (match) results[Number(match[1])]!.data[match[2]!] = data[key];
    }
  }
  for (const error of errors ?? []) {
    const head = error.path?.[0];
    const match = typeof head === 'string' ? PREFIXED.exec(head) : null;
    if (!match || Number(match[1]) >= count) {
      for (const result of results) (result.errors ??= []).push(error as GraphQLError);
      continue;
    }
    const relocated = new GraphQLError(error.message, { path: [match[2]!, ...error.path!.slice(1)], extensions: error.extensions, originalError: (error as GraphQLError).originalError ?? undefined });
    (results[Number(match[1])]!.errors ??= []).push(relocated);
  }
  return results.map((result, index) => withRootKeys(operation.rootKeys[index]!, result, source, lostDataCode));
}

function withRootKeys(rootKeys: string[], result: { data: Record<string, unknown>; errors?: GraphQLError[] }, source: string, code?: string): ExecutionResult {
  // Errors and no data of its own: errors only, as a source would answer it (no empty `data` to read).
  if (result.errors?.length) return Object.keys(result.data).length > 0 ? result : { errors: result.errors };
  const missing = rootKeys.filter((key) => result.data[key] === undefined);
  if (missing.length === 0) return result;
  return { errors: [loggable(new GraphQLError(`source "${source}" answered without ${missing.join(', ')}: an error elsewhere in the merged operation nulled its data`, code ? { extensions: { code } } : {}))] };
}

/**
 * An executor that runs the requests made in the same turn (a Plain request's cards start together)
 * as one call of `runAll`, which answers one result per request, in order. Never rejects.
 */
export function batchPerTurn(runAll: (requests: ExecutionRequest[]) => Promise<ExecutionResult[]>, failureCode?: string): Executor {
  let pending: Array<{ request: ExecutionRequest; resolve: (result: ExecutionResult) => void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    runAll(batch.map((entry) => entry.request)).then(
      (results) => batch.forEach((entry, index) => entry.resolve(results[index]!)),
      (error: unknown) => {
        const cause = error instanceof Error ? error : new Error(String(error));
        const failure = { errors: [cause instanceof GraphQLError ? cause : new GraphQLError(cause.message, { originalError: cause, ...(failureCode && { extensions: { code: failureCode } }) })] };
        batch.forEach((entry) => entry.resolve(failure));
      },
    );
  };
  return (request) =>
    new Promise((resolve) => {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push({ request, resolve });
    });
}

function merge(requests: readonly Pick<ExecutionRequest, 'document' | 'operationName'>[]): MergedOperation {
  if (requests.length === 1) {
    const { document, operationName } = requests[0]!;
    const operation = operationIn(document, operationName);
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    const names = (operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, definition.variable.name.value] as const);
    return { document, operationName, variables: [names], rootKeys: [rootResponseKeys(operation.selectionSet.selections, fragments)], single: true, cache: new Map() };
  }
  const selections: SelectionNode[] = [];
  const variableDefinitions: NonNullable<OperationDefinitionNode['variableDefinitions']>[number][] = [];
  const fragments: FragmentDefinitionNode[] = [];
  const variables: MergedOperation['variables'] = [];
  const rootKeys: string[][] = [];
  requests.forEach(({ document, operationName }, index) => {
    const prefix = prefixOf(index);
    const operation = operationIn(document, operationName);
    const ownFragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    rootKeys.push(rootResponseKeys(operation.selectionSet.selections, ownFragments));
    variables.push((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, prefix + definition.variable.name.value] as const));
    const renamed = visit(document, {
      Variable: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
      FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
      FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    });
    const renamedFragments = new Map(renamed.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    const renamedOperation = renamed.definitions.find((d, position) => d.kind === Kind.OPERATION_DEFINITION && document.definitions[position] === operation) as OperationDefinitionNode;
    selections.push(...aliasRoot(renamedOperation.selectionSet.selections, prefix, renamedFragments));
    variableDefinitions.push(...(renamedOperation.variableDefinitions ?? []));
    fragments.push(...renamedFragments.values());
  });
  const operationName = requests[0]!.operationName;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { kind: Kind.OPERATION_DEFINITION, operation: 'query' as OperationDefinitionNode['operation'], name: { kind: Kind.NAME, value: operationName }, variableDefinitions, selectionSet: { kind: Kind.SELECTION_SET, selections } },
      ...fragments,
    ],
  };
  return { document, operationName, variables, rootKeys, single: false, cache: new Map() };
}

function operationIn(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((d) => d.name?.value === operationName) ?? operations[0];
  if (!operation) throw new Error(`expected an operation "${operationName}" in the card's document, received none`);
  return operation;
}

/** Root fields aliased with the prefix; root fragment spreads inlined so that their fields can be aliased too. */
function aliasRoot(selections: readonly SelectionNode[], prefix: string, fragments: Map<string, FragmentDefinitionNode>): SelectionNode[] {
  return selections.map((selection): SelectionNode => {
    if (selection.kind === Kind.FIELD) {
      const field: FieldNode = { ...selection, alias: { kind: Kind.NAME, value: prefix + (selection.alias?.value ?? selection.name.value) } };
      return field;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return { ...selection, selectionSet: { ...selection.selectionSet, selections: aliasRoot(selection.selectionSet.selections, prefix, fragments) } };
    }
    const fragment = fragments.get(selection.name.value);
    if (!fragment) throw new Error(`expected a fragment ${selection.name.value} in the card's document, received none`);
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: fragment.typeCondition,
      directives: selection.directives ?? [],
      selectionSet: { ...fragment.selectionSet, selections: aliasRoot(fragment.selectionSet.selections, prefix, fragments) },
    };
  });
}

/** The keys the root fields take in `data`: aliases or names, through inline fragments and fragment spreads; @include/@skip ones may be absent by design. */
function rootResponseKeys(selections: readonly SelectionNode[], fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  const keys: string[] = [];
  for (const selection of selections) {
    if (selection.directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip')) continue;
    if (selection.kind === Kind.FIELD) keys.push(selection.alias?.value ?? selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) keys.push(...rootResponseKeys(selection.selectionSet.selections, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      const fragment = fragments.get(selection.name.value);
      if (fragment) keys.push(...rootResponseKeys(fragment.selectionSet.selections, fragments, new Set([...seen, selection.name.value])));
    }
  }
  return [...new Set(keys)];
}
