// Test helpers: a running emulator closed after the test, and a tiny HTTPS client that
// trusts only the emulator's CA (node:https `ca`), so every test goes over real TLS.
import { request as httpsRequest } from 'node:https';
import type { TestContext } from 'node:test';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.ts';

export const ALL_ROLES = ['User.Invite.All', 'User.Read.All', 'GroupMember.ReadWrite.All', 'User.ReadWrite.All'];

export async function emulatorFor(t: TestContext, options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  t.after(() => emulator.close());
  return emulator;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
}

export function call(
  emulator: Emulator,
  input: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: unknown;
    form?: Record<string, string>;
  },
): Promise<Reply> {
  const url = new URL(input.path, emulator.url);
  const headers: Record<string, string> = { ...input.headers };
  let payload: string | undefined;
  if (input.form) {
    payload = new URLSearchParams(input.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (input.body !== undefined) {
    payload = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: input.method ?? (payload === undefined ? 'GET' : 'POST'), headers, ca: emulator.caPem },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Registers an app with these roles and returns a Graph access token for it. */
export async function tokenFor(emulator: Emulator, roles: string[] = ALL_ROLES): Promise<string> {
  const app = emulator.registerApp({ roles });
  const reply = await call(emulator, {
    path: `/${emulator.tenantId}/oauth2/v2.0/token`,
    form: {
      client_id: app.clientId,
      client_secret: app.clientSecret ?? '',
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    },
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.text}`);
  return reply.json.access_token;
}

/** A Graph call with a bearer token. */
export function graph(
  emulator: Emulator,
  token: string,
  input: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<Reply> {
  return call(emulator, {
    ...input,
    path: `/v1.0${input.path}`,
    headers: { authorization: `Bearer ${token}`, ...input.headers },
  });
}

export function invite(emulator: Emulator, token: string, body: Record<string, unknown>): Promise<Reply> {
  return graph(emulator, token, {
    method: 'POST',
    path: '/invitations',
    body: { inviteRedirectUrl: 'https://app.example.com/welcome', ...body },
  });
}

/** Keys of a JSON object, sorted, for comparing shapes with the documented examples. */
export function keysOf(value: unknown): string[] {
  return Object.keys(value as object).sort();
}
