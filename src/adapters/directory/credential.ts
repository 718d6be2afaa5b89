// The app-only credential (client credentials flow) from @azure/identity, configured
// for Microsoft's clouds, national clouds and the bundled emulator alike.
import type { TokenCredential, TokenCredentialOptions } from '@azure/identity';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import type { EntraConfig } from '../../config.ts';
import { trustedCas } from './fetch-handler.ts';

// MSAL's own list of Microsoft authority hosts (public, US Gov, China, Germany). For any
// other host it would first ask login.microsoftonline.com whether the host is a real
// authority ("instance discovery") and refuse an unknown one, so an emulator or a private
// authority needs disableInstanceDiscovery (reference/microsoft-graph.md, "The SDKs' traps").
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
]);

export function isMicrosoftAuthority(authorityHost: string): boolean {
  return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
}

/**
 * @param options.ca a PEM to trust besides Node's default CAs (the in-process emulator's).
 *   identity's `tlsOptions.ca` REPLACES the trusted list (core-rest-pipeline TlsSettings),
 *   so the defaults are passed along with it.
 */
export function createCredential(
  entra: EntraConfig,
  options: {
    ca?: string | undefined;
    /** Pipeline policies that see identity's requests and responses (doctor reads Entra's error answers). */
    additionalPolicies?: TokenCredentialOptions['additionalPolicies'];
  } = {},
): TokenCredential {
  const common = {
    authorityHost: entra.authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthority(entra.authorityHost),
    ...(options.ca ? { tlsOptions: { ca: trustedCas(options.ca) } } : {}),
    ...(options.additionalPolicies ? { additionalPolicies: options.additionalPolicies } : {}),
  };
  const { credential } = entra;
  if (credential.kind === 'secret') {
    return new ClientSecretCredential(entra.tenantId, entra.clientId, credential.secret, common);
  }
  return new ClientCertificateCredential(
    entra.tenantId,
    entra.clientId,
    { certificatePath: credential.path, ...(credential.password ? { certificatePassword: credential.password } : {}) },
    common,
  );
}

// National clouds are separate Graph resources with their own scope
// (learn.microsoft.com/graph/deployments). Any other host (the emulator, a proxy) stands
// in for the global service, whose resource is https://graph.microsoft.com.
const NATIONAL_GRAPH_HOSTS = new Set([
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
  'graph.microsoft.de',
]);

/** The `.default` scope of the Graph resource behind `graphUrl` (all granted app permissions). */
export function graphScope(graphUrl: string): string {
  const host = new URL(graphUrl).hostname.toLowerCase();
  return NATIONAL_GRAPH_HOSTS.has(host) ? `https://${host}/.default` : 'https://graph.microsoft.com/.default';
}
