// The app-only credential (client credentials flow) from @azure/identity, configured
// for Microsoft's clouds, national clouds and the bundled emulator alike.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TokenCredential, TokenCredentialOptions } from '@azure/identity';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import type { EntraConfig, GraphCredential } from '../../config.ts';
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
  switch (credential.kind) {
    case 'secret':
      return new ClientSecretCredential(entra.tenantId, entra.clientId ?? '', credential.secret, common);
    case 'certificate':
      return new ClientCertificateCredential(
        entra.tenantId,
        entra.clientId ?? '',
        {
          certificatePath: credential.path,
          ...(credential.password ? { certificatePassword: credential.password } : {}),
        },
        common,
      );
    case 'workload-identity':
      // identity re-reads the file when its cached assertion is older than 5 minutes, so a
      // token the platform rotates (AKS: hourly) is picked up without a restart.
      return new WorkloadIdentityCredential({
        ...common,
        tenantId: entra.tenantId,
        clientId: entra.clientId ?? '',
        tokenFilePath: credential.tokenFile,
      });
    case 'managed-identity':
      // The platform's endpoint (IDENTITY_ENDPOINT/IDENTITY_HEADER on App Service and
      // Container Apps, IMDS on a VM) hands out the token: no authority, no secret.
      return new ManagedIdentityCredential({
        ...(credential.clientId ? { clientId: credential.clientId } : {}),
        ...(options.additionalPolicies ? { additionalPolicies: options.additionalPolicies } : {}),
      });
  }
}

/** Which credential this is, in words for doctor and start-up ("a managed identity (user-assigned, client id …)"). */
export function describeCredential(credential: GraphCredential): string {
  switch (credential.kind) {
    case 'secret':
      return 'a client secret';
    case 'certificate':
      return `the certificate in ${credential.path}`;
    case 'workload-identity':
      return `workload identity federation (the token in ${credential.tokenFile})`;
    case 'managed-identity':
      return credential.clientId
        ? `a user-assigned managed identity (client id ${credential.clientId})`
        : 'the system-assigned managed identity';
  }
}

/**
 * Entra's audience for a token presented as a federated client assertion: its own per
 * cloud (workload-identity-federation docs: api://AzureADTokenExchange, …USGov, …China).
 */
export function tokenExchangeScope(authorityHost: string | undefined): string {
  const host = authorityHost ? new URL(authorityHost).hostname.toLowerCase() : '';
  if (host === 'login.microsoftonline.us' || host === 'login.usgovcloudapi.net') {
    return 'api://AzureADTokenExchangeUSGov/.default';
  }
  if (host === 'login.chinacloudapi.cn' || host === 'login.partner.microsoftonline.cn') {
    return 'api://AzureADTokenExchangeChina/.default';
  }
  return 'api://AzureADTokenExchange/.default';
}

/**
 * For the secretless credentials, where staff sign-in gets its client assertion: the
 * platform's token file (workload identity), or a managed identity's token for
 * api://AzureADTokenExchange, which the sign-in app registration trusts through a
 * federated credential (a managed identity cannot sign people in itself). Null otherwise.
 */
export function federatedAssertionSource(
  credential: GraphCredential,
  options: { ca?: string | undefined; authorityHost?: string | undefined } = {},
): (() => Promise<string>) | null {
  if (credential.kind === 'workload-identity') {
    return async () => (await readFile(credential.tokenFile, 'utf8')).trim();
  }
  if (credential.kind === 'managed-identity') {
    const identity = new ManagedIdentityCredential({
      ...(credential.clientId ? { clientId: credential.clientId } : {}),
      ...(options.ca ? { tlsOptions: { ca: trustedCas(options.ca) } } : {}),
    });
    return async () => {
      const token = await identity.getToken(tokenExchangeScope(options.authorityHost));
      if (!token) throw new Error('The managed identity returned no token for api://AzureADTokenExchange.');
      return token.token;
    };
  }
  return null;
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

/** A certificate credential this close to its end is worth a warning (doctor, start-up). */
export const CERTIFICATE_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CertificateExpiry {
  notAfter: Date;
  state: 'valid' | 'expiring' | 'expired';
  /** What to say, e.g. "The certificate in /etc/gl/app.pem (thumbprint AB…) expires on 2026-12-08 10:00 UTC, in 10 days." */
  message: string;
}

/**
 * When the certificate credential ends: the first certificate in the PEM, the one identity
 * takes its thumbprint from (ClientCertificateCredential) and Entra must know.
 * Throws when the file cannot be read or holds no certificate.
 */
export function readCertificateExpiry(path: string, now: Date = new Date()): CertificateExpiry {
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(readFileSync(path, 'utf8'))?.[0];
  if (!pem) throw new Error(`${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  const certificate = new X509Certificate(pem);
  const notAfter = new Date(certificate.validTo);
  const left = notAfter.getTime() - now.getTime();
  const days = Math.floor(left / DAY_MS);
  const which = `The certificate in ${path} (thumbprint ${certificate.fingerprint.replaceAll(':', '')})`;
  const when = `${notAfter.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (left <= 0) return { notAfter, state: 'expired', message: `${which} expired on ${when}.` };
  const state = left <= CERTIFICATE_WARNING_DAYS * DAY_MS ? 'expiring' : 'valid';
  const message =
    state === 'expiring'
      ? `${which} expires on ${when}, in ${days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`}.`
      : `${which} is valid until ${when}.`;
  return { notAfter, state, message };
}

export const RENEW_CERTIFICATE =
  'Create a new certificate, upload its public part under App registrations → <app> → Certificates & secrets → ' +
  'Certificates (the old one keeps working meanwhile), then point AZURE_CLIENT_CERTIFICATE_PATH at the new PEM.';

/**
 * For serve and worker start-up: logs a warning when the certificate credential expires
 * within CERTIFICATE_WARNING_DAYS, an error once it has. Nothing for a client secret; a
 * certificate that cannot be read is left to the first token request, which says why.
 */
export function logCertificateExpiry(
  entra: EntraConfig | null,
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
  now: Date = new Date(),
): void {
  if (entra?.credential.kind !== 'certificate') return;
  let expiry: CertificateExpiry;
  try {
    expiry = readCertificateExpiry(entra.credential.path, now);
  } catch {
    return;
  }
  const fields = { certificateNotAfter: expiry.notAfter.toISOString() };
  const fix = RENEW_CERTIFICATE.replace('<app>', `your app (client id ${entra.clientId})`);
  if (expiry.state === 'expired') logger.error(fields, `${expiry.message} Entra refuses it: no token. ${fix}`);
  else if (expiry.state === 'expiring') logger.warn(fields, `${expiry.message} ${fix}`);
}
