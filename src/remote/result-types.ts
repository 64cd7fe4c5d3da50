// A remote result re-typed against the pinned schema, for the fields the card selected: as a gateway would, before any mapper reads it.
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  typeFromAST,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Where a result broke the schema, and how: the path and the types only, never the value (it may be customer data). */
export type TypeViolation = { path: string; expected: string; received: string };

/**
 * Checks `data` against the operation's selection on `schema`: every selected field present (unless
 * under @skip/@include or a fragment whose type cannot be told), objects where objects are
 * expected, lists where lists are, no null where the type is non-null, built-in scalars of their
 * exact JSON type (Int a 32-bit integer, ID and String strings: graphql-js's serializers would
 * coerce 12345 into "12345", which is what a gateway must not do), enums among their values.
 * Custom scalars are opaque: any value passes. Returns the first violation, or undefined.
 */
export function checkResultTypes(schema: GraphQLSchema, document: DocumentNode, data: Record<string, unknown>): TypeViolation | undefined {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const root = operation?.kind === Kind.OPERATION_DEFINITION ? schema.getRootType(operation.operation) : undefined;
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || !root) return undefined;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  return new Checker(schema, fragments).object(root, operation.selectionSet, data, []);
}

class Checker {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  object(type: GraphQLCompositeType, selectionSet: SelectionSetNode, value: Record<string, unknown>, path: Array<string | number>): TypeViolation | undefined {
    // The concrete type, when the selection asked for it; otherwise fragments on other types may or may not apply.
    const typename = typeof value.__typename === 'string' ? value.__typename : undefined;
    const runtime = isAbstractType(type) ? (typename ? this.schema.getType(typename) : undefined) : type;
    return this.selections(type, runtime && isObjectType(runtime) ? runtime : undefined, selectionSet, value, path, true);
  }

  private selections(
    type: GraphQLCompositeType,
    runtime: GraphQLCompositeType | undefined,
    selectionSet: SelectionSetNode,
    value: Record<string, unknown>,
    path: Array<string | number>,
    required: boolean,
  ): TypeViolation | undefined {
    for (const selection of selectionSet.selections) {
      const mustBePresent = required && !isConditional(selection.directives);
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value === '__typename') {
          if (key in value && typeof value[key] !== 'string') return violation([...path, key], 'String!', value[key]);
          continue;
        }
        const field = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
        // Validated against this schema at startup: a field it does not know cannot be selected.
        if (!field) continue;
        if (!(key in value)) {
          if (mustBePresent) return { path: [...path, key].join('.'), expected: String(field.type), received: 'nothing (the field is missing)' };
          continue;
        }
        // One path array for the whole walk, pushed and popped: a violation copies it (joins it) when made.
        path.push(key);
        const problem = this.value(field.type, selection.selectionSet, value[key], path);
        path.pop();
        if (problem) return problem;
        continue;
      }
      const condition =
        selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition : this.fragments.get(selection.name.value)?.typeCondition;
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : this.fragments.get(selection.name.value)?.selectionSet;
      if (!inner) continue;
      const on = condition ? typeFromAST(this.schema, condition) : type;
      if (!on || !(isObjectType(on) || isAbstractType(on))) continue;
      // Applies for sure when the runtime type is known and satisfies the condition; may apply when it is not known.
      const applies = runtime ? on === runtime || (isAbstractType(on) && isObjectType(runtime) && this.schema.isSubType(on, runtime)) : undefined;
      if (applies === false) continue;
      const problem = this.selections(on, runtime, inner, value, path, mustBePresent && applies === true);
      if (problem) return problem;
    }
    return undefined;
  }

  private value(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined, value: unknown, path: Array<string | number>): TypeViolation | undefined {
    if (value === null) return isNonNullType(type) ? violation(path, String(type), value) : undefined;
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return violation(path, String(type), value);
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        const problem = this.value(nullable.ofType, selectionSet, value[index], path);
        path.pop();
        if (problem) return problem;
      }
      return undefined;
    }
    const named = getNamedType(nullable);
    if (isScalarType(named)) return scalarMatches(named.name, value) ? undefined : violation(path, String(type), value);
    if (isEnumType(named)) return typeof value === 'string' && named.getValue(value) !== undefined ? undefined : violation(path, String(type), value, true);
    if (typeof value !== 'object' || Array.isArray(value) || !selectionSet) return violation(path, String(type), value);
    return this.object(named as GraphQLCompositeType, selectionSet, value as Record<string, unknown>, path);
  }
}

/** Under @skip or @include: may be absent. */
function isConditional(directives: readonly DirectiveNode[] | undefined): boolean {
  if (!directives) return false;
  for (const directive of directives) if (directive.name.value === 'skip' || directive.name.value === 'include') return true;
  return false;
}

function scalarMatches(name: string, value: unknown): boolean {
  switch (name) {
    case 'String':
    case 'ID':
      return typeof value === 'string';
    case 'Int':
      return typeof value === 'number' && Number.isInteger(value) && value >= -2_147_483_648 && value <= 2_147_483_647;
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    default:
      // A custom scalar's representation is the source's to define.
      return value !== undefined;
  }
}

function violation(path: Array<string | number>, expected: string, value: unknown, isEnum = false): TypeViolation {
  return { path: path.join('.'), expected, received: describe(value, isEnum) };
}

/** The JSON kind of a value, never the value itself. */
function describe(value: unknown, isEnum: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return isEnum ? 'a string that is not one of its values' : 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
