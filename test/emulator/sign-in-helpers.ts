// Test helpers for staff sign-in: fetch that trusts only the emulator's CA and never follows
// redirects (each hop is asserted), PKCE values, and the steps of the code flow as a browser
// and a web app would take them.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, fetch } from 'undici';
import type { Emulator, RegisteredApp } from '../../src/emulator/index.ts';

export const CALLBACK = 'https://guestlist.example.com/auth/callback';

export interface Hop {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

const agents = new WeakMap<Emulator, Agent>();

export async function hop(emulator: Emulator, url: string, form?: Record<string, string>, headers = {}): Promise<Hop> {
  let dispatcher = agents.get(emulator);
  if (!dispatcher) {
    dispatcher = new Agent({ connect: { ca: emulator.caPem } });
    agents.set(emulator, dispatcher);
  }
  const response = await fetch(new URL(url, emulator.url), {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    dispatcher,
    headers: { ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    headers: response.headers as unknown as Headers,
    text: await response.text(),
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function signInApp(emulator: Emulator, redirectUris = [CALLBACK]): RegisteredApp & { clientSecret: string } {
  const app = emulator.registerApp({ roles: [], redirectUris });
  return { ...app, clientSecret: app.clientSecret ?? '' };
}

export function authorizeUrl(emulator: Emulator, params: Record<string, string | undefined>): string {
  const url = new URL(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/authorize`);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** The sign-in page's form: where it posts, its hidden fields, and the account buttons. */
export function parsePage(html: string): { action: string; flow: string; accounts: Map<string, string> } {
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  const flow = /<input type="hidden" name="flow" value="([^"]+)">/.exec(html)?.[1];
  if (!action || !flow) throw new Error(`not a sign-in page: ${html}`);
  const accounts = new Map<string, string>();
  for (const match of html.matchAll(/<button type="submit" name="account" value="([^"]+)">([^<]+)<\/button>/g)) {
    accounts.set(match[2] as string, match[1] as string);
  }
  return { action, flow, accounts };
}

/** GET authorize, pick the person whose button label starts with `name`; returns the redirect. */
export async function signIn(
  emulator: Emulator,
  app: { clientId: string },
  input: { name: string; challenge: string; nonce?: string; state?: string; redirectUri?: string; scope?: string },
): Promise<URL> {
  const page = await hop(
    emulator,
    authorizeUrl(emulator, {
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: input.redirectUri ?? CALLBACK,
      scope: input.scope ?? 'openid profile email',
      state: input.state ?? 'state-1',
      nonce: input.nonce ?? 'nonce-1',
      code_challenge: input.challenge,
      code_challenge_method: 'S256',
    }),
  );
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${page.location ?? page.text}`);
  const form = parsePage(page.text);
  const account = [...form.accounts].find(([label]) => label.startsWith(input.name))?.[1];
  if (!account) throw new Error(`${input.name} is not on the page`);
  const picked = await hop(emulator, form.action, { flow: form.flow, account });
  if (picked.status !== 302 || !picked.location) throw new Error(`pick answered ${picked.status}: ${picked.text}`);
  return new URL(picked.location);
}

export function redeem(
  emulator: Emulator,
  app: { clientId: string; clientSecret: string },
  form: Record<string, string | undefined>,
): Promise<Hop> {
  const body: Record<string, string> = {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: CALLBACK,
  };
  for (const [name, value] of Object.entries(form)) {
    if (value === undefined) delete body[name];
    else body[name] = value;
  }
  return hop(emulator, `/${emulator.tenantId}/oauth2/v2.0/token`, body);
}

export function errorCodes(reply: Hop): number[] {
  return (JSON.parse(reply.text) as { error_codes: number[] }).error_codes;
}
