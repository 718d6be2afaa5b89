// Parsers for single settings: each returns the value (or the fallback) and reports
// what is wrong through `fail`, so loadConfig can name every bad setting at once.
import { isIP } from 'node:net';
import path from 'node:path';

export type Fail = (setting: string, problem: string) => void;

export function readDatabaseUrl(value: string | undefined, dataDir: string, cwd: string, fail: Fail): string {
  if (!value) return `sqlite:${path.join(dataDir, 'guestlist.db')}`;
  if (/^postgres(ql)?:\/\//.test(value)) return value;
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') fail('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/guestlist.db.');
    return file === ':memory:' ? 'sqlite::memory:' : `sqlite:${path.resolve(cwd, file)}`;
  }
  fail('DATABASE_URL', 'must start with sqlite: or postgres:// (leave it unset for ./data/guestlist.db).');
  return '';
}

export function readInteger(
  value: string | undefined,
  setting: string,
  fallback: number,
  min: number,
  max: number,
  fail: Fail,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    fail(setting, `must be a whole number from ${min} to ${max} (got "${value}").`);
    return fallback;
  }
  return n;
}

export function readNumber(value: string | undefined, setting: string, fallback: number, fail: Fail): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    fail(setting, `must be a positive number (got "${value}").`);
    return fallback;
  }
  return n;
}

export function readBoolean(value: string | undefined, setting: string, fallback: boolean, fail: Fail): boolean {
  if (value === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  fail(setting, `must be true or false (got "${value}").`);
  return fallback;
}

export function readUrl(value: string | undefined, setting: string, fail: Fail): string | null {
  if (value === undefined) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return value;
  } catch {
    fail(setting, `must be an absolute http(s) URL (got "${value}").`);
    return null;
  }
}

/** A `#rrggbb` colour (the accent), or null when unset. */
export function readColor(value: string | undefined, setting: string, fail: Fail): string | null {
  if (value === undefined) return null;
  if (/^#[0-9a-f]{6}$/i.test(value)) return value.toLowerCase();
  fail(setting, `must be a colour written #rrggbb, like #0b57d0 (got "${value}").`);
  return null;
}

export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Whose `X-Forwarded-For` to believe when telling who the client is (the submission limit
 * counts per client address): nobody's (false: the connection's address), the nearest
 * `hops` proxies', or the proxies at these addresses/CIDRs.
 */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

export const MAX_PROXY_HOPS = 10;

/** `false`, a hop count (`1`), or a comma-separated list of the proxies' addresses/CIDRs. Never `true`. */
export function readTrustProxy(value: string | undefined, fail: Fail): TrustProxy {
  const text = value?.trim() ?? '';
  if (/^(|false|0|no)$/i.test(text)) return false;
  if (/^(true|yes)$/i.test(text)) {
    fail(
      'GUESTLIST_TRUST_PROXY',
      'true is refused: it believes every address in X-Forwarded-For, which any client can write, so anyone could ' +
        'escape the submission limit by sending a new address each time. Set how many proxies stand in front of ' +
        'Guestlist (1 behind Azure Container Apps or App Service) or their addresses (such as 10.0.0.5 or ' +
        '10.0.0.0/8); README.md, "Behind a proxy", says which.',
    );
    return false;
  }
  if (/^[0-9]+$/.test(text)) {
    const hops = Number(text);
    if (hops <= MAX_PROXY_HOPS) return { hops };
  }
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.every(isAddressOrCidr)) return { addresses: entries };
  fail(
    'GUESTLIST_TRUST_PROXY',
    `must be false, the number of proxies in front of Guestlist (1 to ${MAX_PROXY_HOPS}), or the proxies' addresses ` +
      `such as 10.0.0.0/8,127.0.0.1 (got "${value}").`,
  );
  return false;
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
