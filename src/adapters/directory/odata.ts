// OData string literals for Graph `$filter` clauses.
//
// Rule (OData v4 ABNF, SQUOTE-in-string = SQUOTE SQUOTE): a literal is wrapped in single
// quotes and every `'` inside it is doubled, so `o'brien@contoso.com` becomes
// `'o''brien@contoso.com'`. Neither Graph SDK does this (reference/microsoft-graph.md,
// "Finding a person"); an unescaped apostrophe gives 400 "Invalid filter clause" or, worse,
// a different filter. Every value put into a filter goes through this one function.

/** The OData literal for `value`: quoted, with `'` doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The filter as it must appear in the URL. The Graph JS client joins `$filter=` and the
 * value verbatim (GraphRequest.createQueryString does no encoding), so we percent-encode:
 * `#` (guest UPNs) would otherwise start a URL fragment, `+` would be read as a space and
 * `&` would end the parameter.
 */
export function encodeFilter(filter: string): string {
  return encodeURIComponent(filter);
}
