// The automatic layout's plan: what each selected field is (leaf kind, object, list) and how its hints
// ask to show it, worked out once at startup from the query and the schema, never per request.
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isScalarType,
  Kind,
  typeFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { CURRENCY_CODE_KEYS, CURRENCY_KEYS, humanizeKey } from './auto-layout-values.ts';
import { readFieldHints, type FieldHints, type HintProblem } from './hints.ts';

/** How a leaf value is shown; `custom` scalars are judged by their value (a date, a URL, text). */
export type LeafKind = 'boolean' | 'enum' | 'id' | 'number' | 'string' | 'custom';

export type FieldPlan = {
  /** The key in the result: the alias when there is one. */
  key: string;
  label: string;
  hints: FieldHints;
  /** Whether the value is a list (lists of lists are flattened). */
  list: boolean;
  /**
   * Minor units of money (`totalCents`), shown in the currency of the nearest object with a
   * `currency` field: its own, else its parent's (an invoice's line items).
   */
  money: boolean;
  /** Not shown: `@hide`, `__typename`, or a currency already shown with an amount. */
  hidden: boolean;
} & ({ kind: 'leaf'; leaf: LeafKind; /** The scalar's name, e.g. `HTML`, `URI`, `DateTime`. */ scalar?: string } | ObjectPlan);

/**
 * An object field's plan. `fields` is what every object of it shows; `byType`, for a union or an
 * interface whose branches (inline fragments) differ, the fields an object of each concrete type shows,
 * keyed by its `__typename` (which cardql adds to the query it runs): each branch keeps its own hints.
 */
type ObjectPlan = { kind: 'object'; fields: FieldPlan[]; byType?: ByType; connection?: Connection };

/** Fields per concrete type name, only for the types whose fields differ from the shared plan's. */
export type ByType = Record<string, FieldPlan[]>;

/**
 * A Relay-style connection shown as the list of its nodes, under the connection's own label: where the
 * nodes are (`nodes`, or `edges[].node`), and the key of `totalCount` when selected (for "+N more").
 * `pageInfo`, cursors and the counts are never shown.
 */
export type Connection = { via: { nodes: string } | { edges: string; node: string }; totalKey?: string };

export type LeafPlan = Extract<FieldPlan, { kind: 'leaf' }>;

export type LayoutPlan = { fields: FieldPlan[] };

/** `totalCents` is money: shown as `$603.00` under the label "Total". */
const MONEY_KEY = /^(.+?)_?(cents|Cents|CENTS)$/;

/**
 * Plans the layout of a validated query. Hints that make no sense for their field (a badge on an
 * object, a link on a number, a colour for a value the enum does not have) are reported as problems.
 */
export function planLayout(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, own: ReadonlySet<string>, problems: HintProblem[]): LayoutPlan {
  const root = schema.getQueryType();
  if (!root) return { fields: [] };
  return { fields: planSelection({ schema, fragments, own, problems }, root, operation.selectionSet) };
}

type Scope = {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  own: ReadonlySet<string>;
  problems: HintProblem[];
  /** Set while planning one branch of an abstract type: fragments whose condition this type does not meet are skipped. */
  runtimeType?: GraphQLObjectType;
};

function planSelection(scope: Scope, parent: GraphQLCompositeType, selectionSet: SelectionSetNode): FieldPlan[] {
  const fields = collectFields(scope, parent, selectionSet).map(({ node, type }) => planField(scope, node, type));
  // A currency shown inside the amounts it belongs to is not repeated on its own line.
  const money = fields.some((field) => field.money);
  for (const field of fields) {
    if (!money || !CURRENCY_KEYS.has(field.key) || field.list) continue;
    if (field.kind === 'leaf' || field.fields.some((inner) => CURRENCY_CODE_KEYS.has(inner.key))) field.hidden = true;
  }
  return fields;
}

function planField(scope: Scope, node: FieldNode, type: GraphQLOutputType): FieldPlan {
  const key = node.alias?.value ?? node.name.value;
  const hints = readFieldHints(node, scope.own, scope.problems);
  const named = getNamedType(type);
  const base = {
    key,
    label: hints.label ?? humanizeKey(key),
    hints,
    list: isListType(getNullableType(type)),
    hidden: hints.hide || node.name.value === '__typename',
  };
  const line = node.loc?.startToken.line ?? 1;
  const where = `"${key}" is ${String(type)}`;
  if (!isLeafType(named)) {
    if (hints.badge) scope.problems.push({ line, message: `@badge needs a scalar or enum field, ${where}` });
    if (hints.link) scope.problems.push({ line, message: `@link needs a field holding a URL (String, ID or a custom scalar), ${where}` });
    // A branch's concrete type says which fragments apply to its own fields, not to the fields below them.
    const inner: Scope = { ...scope, runtimeType: undefined };
    const fields = node.selectionSet ? planSelection(inner, named, node.selectionSet) : [];
    const byType = node.selectionSet && isAbstractType(named) ? planBranches(inner, named, node.selectionSet, fields) : undefined;
    const connection = base.list ? undefined : asConnection(fields);
    if (connection) return { ...base, kind: 'object', money: false, list: true, ...connection };
    return { ...base, kind: 'object', money: false, fields, ...(byType && { byType }) };
  }
  const leaf = leafKind(named);
  const money = leaf === 'number' && !base.list ? MONEY_KEY.exec(key) : null;
  if (money && !hints.label) base.label = humanizeKey(money[1]!);
  if (hints.link && !['string', 'id', 'custom'].includes(leaf)) {
    scope.problems.push({ line, message: `@link needs a field holding a URL (String, ID or a custom scalar), ${where}` });
  }
  if (hints.badge && hints.link) scope.problems.push({ line, message: `"${key}" cannot be both a @badge and a @link: keep one` });
  const colors = Object.keys(hints.badge?.colors ?? {});
  if (isEnumType(named)) {
    const values = named.getValues().map((v) => v.name);
    const unknown = colors.filter((c) => !values.includes(c));
    if (unknown.length) scope.problems.push({ line, message: `@badge(colors:) names ${unknown.join(', ')}, not values of ${named.name}: expected some of ${values.join(', ')}` });
  } else if (leaf === 'boolean') {
    const unknown = colors.filter((c) => c !== 'true' && c !== 'false');
    if (unknown.length) scope.problems.push({ line, message: `@badge(colors:) names ${unknown.join(', ')} for a Boolean: expected true and/or false` });
  }
  return { ...base, kind: 'leaf', leaf, money: money !== null, ...(isScalarType(named) && { scalar: named.name }) };
}

/**
 * The fields of each concrete type of an abstract `parent` whose branches select differently (the same
 * key with other hints, or other fields), planned as GraphQL collects them for an object of that type.
 * Undefined when every type gets `shared`. Problems are reported once, whichever branch found them.
 */
function planBranches(scope: Scope, parent: GraphQLCompositeType & GraphQLNamedType, selectionSet: SelectionSetNode, shared: FieldPlan[]): ByType | undefined {
  if (!isAbstractType(parent)) return undefined;
  const sharedText = JSON.stringify(shared);
  const byType: ByType = {};
  for (const type of scope.schema.getPossibleTypes(parent)) {
    const problems: HintProblem[] = [];
    const fields = planSelection({ ...scope, problems, runtimeType: type }, parent, selectionSet);
    for (const problem of problems) {
      if (!scope.problems.some((p) => p.line === problem.line && p.message === problem.message)) scope.problems.push(problem);
    }
    if (JSON.stringify(fields) !== sharedText) byType[type.name] = fields;
  }
  return Object.keys(byType).length > 0 ? byType : undefined;
}

/** A connection's node fields and where its nodes are, or undefined when `fields` is not a connection's selection. */
function asConnection(fields: FieldPlan[]): { fields: FieldPlan[]; byType?: ByType; connection: Connection } | undefined {
  const byName = (name: string) => fields.find((f) => f.key === name && !f.hidden);
  const totalKey = fields.find((f) => f.key === 'totalCount' && f.kind === 'leaf')?.key;
  const others = fields.filter((f) => !['nodes', 'edges', 'pageInfo', 'totalCount', '__typename'].includes(f.key));
  if (others.some((f) => !f.hidden)) return undefined; // more than a connection: shown as the object it is
  const nodes = byName('nodes');
  if (nodes?.kind === 'object' && nodes.list) return { fields: nodes.fields, ...(nodes.byType && { byType: nodes.byType }), connection: { via: { nodes: nodes.key }, ...(totalKey && { totalKey }) } };
  const edges = byName('edges');
  const node = edges?.kind === 'object' && edges.list ? edges.fields.find((f) => f.key === 'node' && f.kind === 'object' && !f.hidden) : undefined;
  if (edges && node?.kind === 'object') return { fields: node.fields, ...(node.byType && { byType: node.byType }), connection: { via: { edges: edges.key, node: node.key }, ...(totalKey && { totalKey }) } };
  return undefined;
}

function leafKind(type: ReturnType<typeof getNamedType>): LeafKind {
  if (isEnumType(type)) return 'enum';
  if (!isScalarType(type)) return 'custom';
  switch (type.name) {
    case 'Boolean':
      return 'boolean';
    case 'Int':
    case 'Float':
      return 'number';
    case 'ID':
      return 'id';
    case 'String':
      return 'string';
    default:
      return 'custom';
  }
}

type Collected = { node: FieldNode; type: GraphQLOutputType };

/**
 * The fields of a selection set in order, fragments spread in place. A response key selected twice
 * (directly and in a fragment) is one field: its sub-selections are merged, the first hints win; for
 * an abstract type, `planBranches` then collects each concrete type's own (`scope.runtimeType`).
 */
function collectFields(scope: Scope, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, into = new Map<string, Collected>()): Collected[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const type = fieldType(scope.schema, parent, selection.name.value);
      if (!type) continue;
      const seen = into.get(key);
      if (seen && seen.node.selectionSet && selection.selectionSet) {
        seen.node = { ...seen.node, selectionSet: { ...seen.node.selectionSet, selections: [...seen.node.selectionSet.selections, ...selection.selectionSet.selections] } };
      } else if (!seen) {
        into.set(key, { node: selection, type });
      }
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? scope.fragments.get(selection.name.value) : selection;
    if (!fragment) continue;
    const condition = fragment.typeCondition ? typeFromAST(scope.schema, fragment.typeCondition) : parent;
    if (scope.runtimeType && condition && !appliesTo(scope.schema, condition as GraphQLCompositeType, scope.runtimeType)) continue;
    collectFields(scope, (condition ?? parent) as GraphQLCompositeType, fragment.selectionSet, into);
  }
  return [...into.values()];
}

/** Whether a fragment on `condition` applies to an object of `type`, as GraphQL decides it. */
function appliesTo(schema: GraphQLSchema, condition: GraphQLCompositeType, type: GraphQLObjectType): boolean {
  return condition === type || (isAbstractType(condition) && schema.isSubType(condition, type));
}

function fieldType(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLOutputType | undefined {
  if (name === '__typename') return schema.getType('String') as GraphQLOutputType;
  if (!('getFields' in parent)) return undefined; // a union has only __typename
  return parent.getFields()[name]?.type;
}
