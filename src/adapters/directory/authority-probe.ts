// Why the credential could not reach its authority. MSAL reports any failure to read
// `{authority}/{tenant}/v2.0/.well-known/openid-configuration` as one
// `endpoints_resolution_error` (identity turns it into a CredentialUnavailableError), which
// loses both Entra's answer (400 AADSTS90002 "tenant not found") and the network or TLS
// cause. Reading the same document ourselves recovers them, for `guestlist doctor`.
import type { EntraConfig } from '../../config.ts';
import { DirectoryError } from '../../domain/directory-error.ts';
import { readEntraAnswer } from './aadsts.ts';
import { classifyGraphError } from './classify-graph-error.ts';
import { createFetch, networkError } from './fetch-handler.ts';

/** A DirectoryError saying what is wrong with the authority, or null when it answers. */
export async function probeAuthority(entra: EntraConfig, ca?: string): Promise<DirectoryError | null> {
  const url = `${entra.authorityHost}/${encodeURIComponent(entra.tenantId)}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await createFetch(ca)(url, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    return classifyGraphError(networkError(url, err));
  }
  if (response.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { error_codes?: unknown[]; error_description?: unknown };
  const code = body.error_codes?.[0];
  if (code !== undefined) {
    // Entra's own verdict, e.g. AADSTS90002; classified like a refused token request. Its
    // whole answer rides along as the cause's `entraAnswer`, for a code we cannot explain.
    return classifyGraphError(
      Object.assign(new Error(String(body.error_description ?? `AADSTS${code}`)), {
        name: 'AuthenticationError',
        statusCode: response.status,
        errorResponse: { errorCodes: [code] },
        entraAnswer: readEntraAnswer(body),
      }),
    );
  }
  return new DirectoryError({
    message: `${url} answered HTTP ${response.status}: is AZURE_AUTHORITY_HOST an Entra authority?`,
    transient: response.status === 429 || response.status >= 500,
    graphCode: 'authority_error',
    httpStatus: response.status,
  });
}
