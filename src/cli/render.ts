// `cardql render`: runs the real card pipeline once for one customer and prints the cards.
import type { KnownThread } from '../execution/local.ts';
import type { CardsRequest } from '../plain/cards-request.ts';
import { CardKey, type CardsResponse } from '../plain/cards-response.ts';
import { isFailure } from '../resolve/card-result.ts';
import { EXIT, parse, UsageError, type Command } from './args.ts';
import { renderCards } from './terminal.ts';

export const render: Command = {
  name: 'render',
  summary: 'run cards for one customer and print them (readable, or --json as Plain receives them)',
  help: `Usage: cardql render <key>... (--email <e> | --external-id <x> | --customer-id <id>) [options]
       cardql render --all --email <e> [options]

Runs the real card pipeline once, as for a request from Plain (queries on the configured data,
mappers or automatic layouts, the deadline, the check against Plain's protocol), and prints the cards: drawn
for the terminal (badges as [Label], in colour when the terminal supports it), or as the JSON
body Plain would receive. At least one of --email, --external-id, --customer-id is required;
the others are looked up in the in-process data (as the preview does), so that the cards get
the customer Plain would send. Plain always sends an email: a customer the data does not know
needs --email.

Options:
  --email <e>           the customer's email
  --external-id <x>     your id for the customer
  --customer-id <id>    Plain's customer id (c_...)
  --thread-id <id>      render as if on this thread (Plain's thread id): bound to $threadId; a
                        thread the data knows brings its external id and its tenant
  --tenant-id <id>      ... with this tenant (Plain's tenant id), bound to $tenantId
  --all                 every card, instead of listing keys
  --json                print {"cards": [...]}, exactly the body Plain would receive
  -h, --help            this help

Exit code: 0 when every card rendered, 1 when a card failed (its error card is printed and its
cause goes to stderr), 2 for bad arguments or unknown card keys.

Examples:
  cardql render plan-details usage --email alex@grocery.co
  cardql render --all --external-id customer-id-in-your-backend
  cardql render thread-context tenant-account --email alex@grocery.co --thread-id th_01J2HV0V702XKWMG58G169BS23
  cardql render account-overview --customer-id c_01GW2NTPQNPWTRKAC0G8Z518W2 --json | jq .`,
  async run(args, io) {
    const { values, positionals } = parse('render', args, {
      email: { type: 'string' },
      'external-id': { type: 'string' },
      'customer-id': { type: 'string' },
      'thread-id': { type: 'string' },
      'tenant-id': { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const badKeys = positionals.filter((key) => !CardKey.safeParse(key).success);
    if (badKeys.length) throw new UsageError(`expected card keys matching [a-zA-Z0-9_-]+, received ${badKeys.map((k) => JSON.stringify(k)).join(', ')}`);
    if (values.all && positionals.length) throw new UsageError(`expected card keys or --all, received both (${positionals.join(' ')} and --all)`);
    if (!values.all && positionals.length === 0) throw new UsageError('expected at least one card key (or --all), received none; e.g. cardql render usage --email alex@grocery.co');
    const given = { email: blankless(values.email, '--email'), externalId: blankless(values['external-id'], '--external-id'), id: blankless(values['customer-id'], '--customer-id') };
    if (!given.email && !given.externalId && !given.id) {
      throw new UsageError('expected a customer: --email <e>, --external-id <x> or --customer-id <id>, received none');
    }

    // Loaded on demand, so that --help and usage errors answer without building the app.
    const { isLoadFailure, loadApp } = await import('./load.ts');
    const app = await loadApp(io);
    if (isLoadFailure(app)) {
      for (const problem of app.problems) io.err(`${problem}\n`);
      io.err(`cardql render: cannot load the cards (${app.problems.length} problem(s); run cardql check)\n`);
      return EXIT.failed;
    }
    try {
      const known = [...app.registry.keys()];
      const keys = values.all ? known : positionals;
      const unknown = keys.filter((key) => !app.registry.has(key));
      if (unknown.length) throw new UsageError(`unknown card key(s) ${unknown.join(', ')}: expected some of ${known.join(', ')}`);
      const threadId = blankless(values['thread-id'], '--thread-id');
      const tenantId = blankless(values['tenant-id'], '--tenant-id');
      // The identifiers not given are looked up in the in-process data, exactly as the preview does.
      const [{ findCustomer, threadContext }, { HttpError }] = await Promise.all([import('../preview/find-customer.ts'), import('../http/http-error.ts')]);
      let found: Awaited<ReturnType<typeof findCustomer>>;
      try {
        found = await findCustomer(app.local?.findCustomer?.bind(app.local), given);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        io.err(`cardql render: ${error.message} (--email)\n`);
        return EXIT.failed;
      }
      const request: CardsRequest = { cardKeys: keys, customer: found.customer, ...threadContext(found.threads, threadId, tenantId) };
      if (!threadId && found.threads.length > 0 && !values.json) io.err(threadsHint(found.threads));
      const { results } = await app.resolve(request, { requestId: 'cardql-render' });
      if (values.json) {
        const body: CardsResponse = { cards: results.map((result) => result.card) };
        io.out(`${JSON.stringify(body, null, 2)}\n`);
      } else {
        io.out(renderCards(results, { color: io.color, width: Math.min(io.columns, 100) }));
      }
      const failed = results.filter(isFailure);
      for (const result of failed) io.err(`cardql render: card "${result.key}" failed (reference ${result.reference}): ${describe(result.cause)}\n`);
      return failed.length ? EXIT.failed : EXIT.ok;
    } finally {
      await app.close();
    }
  },
};

/** Said (on stderr) when rendering outside a thread for a customer who has some: how to render on one. */
function threadsHint(threads: readonly KnownThread[]): string {
  const lines = threads.map((thread) => `  --thread-id ${thread.id}  ${thread.title}${thread.tenant ? ` (tenant ${thread.tenant.id})` : ''}\n`);
  return `cardql render: rendered outside a thread; this customer's threads in the data:\n${lines.join('')}`;
}

function blankless(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (!value.trim()) throw new UsageError(`option ${option} expects a value, received an empty one`);
  return value.trim();
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
