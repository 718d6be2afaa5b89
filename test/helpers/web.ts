// A browser-shaped client for app.inject(): keeps cookies (session, CSRF secret) and
// posts forms the way a page would, with the CSRF token of the last page it loaded.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface WebClient {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Posts `fields` urlencoded, with the `_csrf` token of the last page loaded (unless `fields` has one). */
  post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse>;
  /** The CSRF token of the last page loaded. */
  csrfToken(): string;
  cookies: Map<string, string>;
}

export function webClient(app: FastifyInstance): WebClient {
  const cookies = new Map<string, string>();
  let token = '';
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const remember = (res: LightMyRequestResponse) => {
    for (const cookie of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const gone =
        cookie.value === '' || cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now());
      if (gone) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
    const found = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (found) token = found[1]!;
    return res;
  };
  return {
    cookies,
    csrfToken: () => token,
    async get(url, headers = {}) {
      return remember(
        await app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: cookieHeader(), ...headers } }),
      );
    },
    async post(url, fields) {
      const body = new URLSearchParams();
      if (!('_csrf' in fields)) body.append('_csrf', token);
      for (const [name, value] of Object.entries(fields)) for (const each of [value].flat()) body.append(name, each);
      return remember(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            accept: 'text/html',
            'content-type': 'application/x-www-form-urlencoded',
            cookie: cookieHeader(),
          },
          payload: body.toString(),
        }),
      );
    },
  };
}
