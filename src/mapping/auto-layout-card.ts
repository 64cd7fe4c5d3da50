// A stored query with no mapper, as a card: its hints read and its layout planned once, at startup.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Mapper } from './mapper.ts';
import { autoLayout } from './auto-layout.ts';
import { planLayout } from './auto-layout-plan.ts';
import { hintDirectives, readCardHints, type HintProblem } from './hints.ts';

/**
 * The mapper of a card laid out automatically from its query, which must already be valid
 * against `withHints(schema)`. `own` are the hint directives cardql reads for this source.
 * Hints that cannot apply are added to `problems`.
 */
export function automaticCard(schema: GraphQLSchema, document: DocumentNode, own: ReadonlySet<string>, problems: HintProblem[]): Mapper<unknown> {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const card = operation ? readCardHints(operation, problems) : {};
  const plan = operation ? planLayout(schema, operation, fragments, own, problems) : { fields: [] };
  return {
    timeToLiveSeconds: card.ttl ?? null,
    map: (data) => autoLayout(plan, data),
  };
}

/** A mapper decides its card's layout: hints in its query would be silently ignored, so they are problems. */
export function hintsIgnoredByMapper(document: DocumentNode, own: ReadonlySet<string>, mapperWhere: string): HintProblem[] {
  return hintDirectives(document, own).map((directive) => ({
    line: directive.loc?.startToken.line ?? 1,
    message: `@${directive.name.value} has no effect: this card has a mapper (${mapperWhere}), which decides its layout and TTL; remove the hint or the mapper`,
  }));
}
