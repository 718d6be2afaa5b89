// Plain-words explanations of the Entra sign-in errors an app-only Guestlist meets when
// it asks for a token. Codes from learn.microsoft.com/entra/identity-platform/reference-error-codes
// (reference/microsoft-graph.md, "Tokens"). Used by the adapter's DirectoryError messages
// and by `guestlist doctor`, which also prints the fix. Never include a secret here.

export interface AadstsExplanation {
  /** What went wrong, in plain words. */
  problem: string;
  /** What the administrator should do. */
  fix: string;
}

const EXPLANATIONS: Record<string, AadstsExplanation> = {
  '7000215': {
    problem: 'The client secret is wrong.',
    fix:
      "Set AZURE_CLIENT_SECRET to the secret's *Value* (shown once, when it is created), not its Secret ID: " +
      'Entra admin center → App registrations → <app> → Certificates & secrets.',
  },
  '7000222': {
    problem: 'The client secret has expired.',
    fix:
      'Create a new client secret (Entra admin center → App registrations → <app> → Certificates & secrets → ' +
      'New client secret) and set AZURE_CLIENT_SECRET to its Value.',
  },
  '700016': {
    problem: 'No application with this client id exists in this tenant.',
    fix:
      'Check AZURE_CLIENT_ID (the Application (client) ID) and AZURE_TENANT_ID (the Directory (tenant) ID) on the ' +
      "app's Overview page; an app registered in another tenant must be consented to in this one first.",
  },
  '90002': {
    problem: 'The tenant was not found.',
    fix: "Check AZURE_TENANT_ID: use the Directory (tenant) ID from the app's Overview page, or a verified domain.",
  },
  '700027': {
    problem: 'The certificate assertion is not valid: the app does not know this certificate.',
    fix:
      'Upload the certificate (its public part, .cer/.pem) under App registrations → <app> → Certificates & secrets ' +
      '→ Certificates, and point AZURE_CLIENT_CERTIFICATE_PATH at the PEM holding its private key.',
  },
  '70011': {
    problem: 'The requested scope is not valid.',
    fix: 'Check GUESTLIST_GRAPH_URL: the token is asked for "<graph url>/.default" (https://graph.microsoft.com/.default).',
  },
};

/** The explanation for an AADSTS number such as `7000215`, or null when we have none. */
export function explainAadsts(code: string): AadstsExplanation | null {
  return EXPLANATIONS[code.replace(/^AADSTS/i, '')] ?? null;
}

/**
 * Entra's own answer to a refused token request, from the token endpoint's JSON error body
 * (reference/microsoft-graph.md, "Tokens"): what to print when we have no explanation.
 */
export interface EntraAnswer {
  /** The OAuth error, e.g. `unauthorized_client`. */
  error: string | null;
  /** `AADSTS7000112`, when the answer carries a number. */
  code: string | null;
  /** The first line of `error_description` ("AADSTS7000112: Application … is disabled."). */
  description: string;
  /** `error_uri`: Entra's page about this error. */
  uri: string | null;
  traceId: string | null;
  correlationId: string | null;
}

/** Reads a token endpoint error body; null when it is not one. */
export function readEntraAnswer(body: unknown): EntraAnswer | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.error_description !== 'string' && typeof b.error !== 'string') return null;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  // The description goes on with "\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …".
  const description = (text(b.error_description) ?? text(b.error) ?? '').split(/\r?\n/)[0]!.trim();
  const number = Array.isArray(b.error_codes) ? b.error_codes[0] : undefined;
  const code = number !== undefined ? `AADSTS${number}` : (/AADSTS\d+/.exec(description)?.[0] ?? null);
  return {
    error: text(b.error),
    code,
    description,
    uri: text(b.error_uri),
    traceId: text(b.trace_id),
    correlationId: text(b.correlation_id),
  };
}

/** One line quoting Entra, and what to do: Entra's page about the error, and the ids support asks for. */
export function describeEntraAnswer(answer: EntraAnswer): { problem: string; fix: string } {
  const quoted =
    answer.code && !answer.description.includes(answer.code)
      ? `${answer.code}: ${answer.description}`
      : answer.description;
  const ids = [
    answer.traceId ? `trace id ${answer.traceId}` : null,
    answer.correlationId ? `correlation id ${answer.correlationId}` : null,
  ].filter(Boolean);
  const page = answer.uri ?? 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes';
  return {
    problem: `Entra ID answered${answer.error ? ` ${answer.error}` : ''}: ${quoted}`,
    fix: `See ${page}${answer.code && !answer.uri ? ` for ${answer.code}` : ''}.${ids.length ? ` If it persists, give Microsoft support the ${ids.join(' and ')}.` : ''}`,
  };
}
