// GET / outside production: where a person who opened cardql's address finds the preview and GraphiQL.
import { json } from '../http/respond.ts';
import { escapeHtml } from './markdown.ts';

/** The pages a developer may want, by what they are for. */
export type HomeLinks = { preview: string; graphiql: Record<string, string>; cards: string };

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/**
 * GET / in development: a small page of links for a browser (it asks for text/html), the same links
 * as JSON for anything else (the route table answers other methods 405). In production there is no
 * such route (404 JSON).
 */
export function createHome(links: () => HomeLinks): (request: Request) => Response {
  return (request) => {
    const current = links();
    if (!(request.headers.get('accept') ?? '').includes('text/html')) {
      return json({ service: 'cardql', ...current });
    }
    const item = (href: string, text: string) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`;
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cardql</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .25em}</style></head>
<body><h1>cardql</h1><p>Plain's customer cards are answered at <code>POST ${escapeHtml(current.cards)}</code>. For authors:</p><ul>
${item(current.preview, 'Card preview: the cards as an agent sees them, beside their JSON')}
${Object.entries(current.graphiql).map(([source, href]) => item(href, `GraphiQL on ${source === 'local' ? 'the in-process data' : `the source "${source}"`}: the stored card queries as tabs`)).join('\n')}
</ul></body></html>`;
    return new Response(request.method === 'HEAD' ? null : page, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS } });
  };
}
