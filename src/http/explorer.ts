// GraphiQL (graphql-yoga) over a schema, to explore the data cards are built from. Gated by the caller.
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from '../log.ts';

export type ExplorerOptions<TContext extends Record<string, unknown>> = {
  schema: GraphQLSchema;
  /** The path GraphiQL and its GraphQL endpoint live at, e.g. `/graphql`. */
  endpoint: string;
  title: string;
  /** Builds the context of one explorer request, e.g. fresh DataLoaders. */
  context: () => TContext;
  logger: Logger;
};

export type Explorer = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;

export function createExplorer<TContext extends Record<string, unknown>>({ schema, endpoint, title, context, logger }: ExplorerOptions<TContext>): Explorer {
  return createYoga({
    schema,
    graphqlEndpoint: endpoint,
    graphiql: { title },
    landingPage: false,
    maskedErrors: true,
    context,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((a) => a instanceof Error) }, args.map(String).join(' ')),
    },
  }) as unknown as Explorer;
}
