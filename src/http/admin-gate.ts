// Gate for pages that expose customer data (GraphiQL): open in development, token-only in production.
import { HttpError } from './http-error.ts';
import { verifyBearer } from './verify.ts';

export type AdminGate = (request: Request) => void;

/**
 * In production, requires `Authorization: Bearer <adminToken>` and answers 404 when no token is
 * configured (the page is off). Basic auth with the token as password is accepted too, so that a
 * browser can open GraphiQL through its own login prompt.
 */
export function createAdminGate({ production, adminToken }: { production: boolean; adminToken: string | undefined }): AdminGate {
  return (request) => {
    if (!production) return;
    if (!adminToken) throw new HttpError(404, 'NOT_FOUND', 'Not found: set CARDQL_ADMIN_TOKEN to enable this page in production');
    const header = request.headers.get('authorization') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(header);
    const password = basic?.[1] ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    try {
      verifyBearer(password === undefined ? header : `Bearer ${password}`, adminToken);
    } catch {
      throw new HttpError(401, 'UNAUTHORIZED', 'Expected Authorization: Bearer <CARDQL_ADMIN_TOKEN>', {
        'www-authenticate': 'Basic realm="cardql admin", charset="UTF-8"',
      });
    }
  };
}
