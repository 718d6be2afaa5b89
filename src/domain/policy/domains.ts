// Domain names as policies list them and as addresses carry them, compared one way: lower
// case, IDNA to punycode (as domain/person.ts stores addresses), no trailing dot, and a
// listed domain covers its subdomains ("contoso.com" covers "eu.contoso.com", never
// "notcontoso.com").

/** The comparable form of a domain someone typed ("Bücher.Example." → "xn--bcher-kva.example"); null if it is none. */
export function normalizeDomain(input: string): string | null {
  const trimmed = input
    .trim()
    .replace(/^\*?\./, '')
    .replace(/\.+$/, '');
  if (trimmed === '' || /[\s/@:?#]/.test(trimmed)) return null;
  try {
    // The WHATWG URL parser applies IDNA (UTS #46) and lower-cases, as for addresses.
    return new URL(`http://${trimmed}/`).hostname.replace(/\.+$/, '');
  } catch {
    return null;
  }
}

/** The domain part of a normalized address. */
export function emailDomain(email: string): string {
  return normalizeDomain(email.slice(email.lastIndexOf('@') + 1)) ?? '';
}

/** The listed domain that `domain` is or is a subdomain of, or null. */
export function matchDomain(domain: string, listed: readonly string[]): string | null {
  for (const entry of listed) {
    const each = normalizeDomain(entry);
    if (each && (domain === each || domain.endsWith(`.${each}`))) return each;
  }
  return null;
}

/** `domain` and each parent domain it has, most specific first ("a.b.c" → a.b.c, b.c, c). */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}
