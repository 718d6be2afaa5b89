// Secretless credentials, emulated so they are tested offline:
//  - a federation issuer standing in for a Kubernetes cluster's OIDC issuer (AKS workload
//    identity): it signs service-account-like tokens an app registration may trust through
//    a federated identity credential (sts/federated-assertion.ts checks them);
//  - an App Service / Container Apps managed identity endpoint (IDENTITY_ENDPOINT +
//    IDENTITY_HEADER, api-version 2019-08-01, managed-identities-azure-resources/how-to-use-vm-token
//    and app-service/overview-managed-identity "REST endpoint reference"): a plain-http local
//    endpoint that hands the identity tokens for a resource, checked by the secret header.
//    A managed identity's token for `api://AzureADTokenExchange` is itself a federated
//    assertion, issued by the tenant's STS, that an app registration can trust (the
//    "managed identity as a federated credential" pattern staff sign-in uses).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import type { EmulatorState, StoredApp } from './state.ts';
import { issueAccessToken, type SigningKey } from './sts/access-token.ts';
import { TOKEN_EXCHANGE_AUDIENCE } from './sts/federated-assertion.ts';

const HOUR_SECONDS = 3600;
const GRAPH_RESOURCE = 'https://graph.microsoft.com';

export interface FederationIssuer {
  issuer: string;
  /** A token like the one a platform writes to AZURE_FEDERATED_TOKEN_FILE. */
  issue(input: { subject: string; audience?: string; lifetimeSeconds?: number; now: Date }): Promise<string>;
}

export async function createFederationIssuer(state: EmulatorState, issuer: string): Promise<FederationIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  state.trustedIssuers.set(issuer, publicKey);
  return {
    issuer,
    async issue({ subject, audience = TOKEN_EXCHANGE_AUDIENCE, lifetimeSeconds = HOUR_SECONDS, now }) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + lifetimeSeconds)
        .sign(privateKey);
    },
  };
}

/** A managed identity as Entra sees it: a service principal with no credential of its own. */
export function managedIdentityApp(input: { clientId?: string; roles: string[] }): StoredApp {
  return {
    clientId: input.clientId ?? randomUUID(),
    servicePrincipalId: randomUUID(),
    clientSecret: null,
    secretExpired: false,
    certificatePem: null,
    roles: [...input.roles],
    redirectUris: [],
    federatedCredentials: [],
  };
}

export interface ManagedIdentityEndpoint {
  /** IDENTITY_ENDPOINT: `http://127.0.0.1:PORT/msi/token`. */
  endpoint: string;
  /** IDENTITY_HEADER: the secret the platform gives the process. */
  header: string;
  /** How many tokens it handed out (tests check the SDK caches them). */
  requests(): number;
  close(): Promise<void>;
}

export async function startManagedIdentityEndpoint(input: {
  state: EmulatorState;
  key: SigningKey;
  /** The STS issuer `${url}/${tenantId}/v2.0`: tokens for api://AzureADTokenExchange carry it. */
  stsIssuer: string;
  /** The client id of the system-assigned identity, if the "resource" has one. */
  systemAssigned: string | null;
  /** Client ids of the user-assigned identities attached to the resource. */
  userAssigned: string[];
}): Promise<ManagedIdentityEndpoint> {
  const header = randomBytes(16).toString('hex');
  let served = 0;
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/msi/token') return answer(404, { message: 'Not found' });
    if (req.headers['x-identity-header'] !== header) {
      return answer(401, { statusCode: 401, message: 'Unauthorized: the X-IDENTITY-HEADER is missing or wrong.' });
    }
    if (url.searchParams.get('api-version') !== '2019-08-01') {
      return answer(400, { statusCode: 400, message: 'The api-version is missing or not supported.' });
    }
    const wanted = url.searchParams.get('client_id');
    const clientId = wanted ?? input.systemAssigned;
    if (!clientId || (wanted !== null && !input.userAssigned.includes(wanted))) {
      return answer(400, {
        statusCode: 400,
        message: wanted
          ? `No user-assigned identity with client id ${wanted} is assigned to this resource.`
          : 'No system-assigned identity is enabled on this resource.',
      });
    }
    const identity = input.state.apps.get(clientId);
    if (!identity) return answer(400, { statusCode: 400, message: `Identity ${clientId} not found.` });
    const resource = (url.searchParams.get('resource') ?? '').replace(/\/\.default$/, '').replace(/\/$/, '');
    served += 1;
    void tokenFor(resource, identity).then(
      (token) =>
        token === null
          ? answer(400, { statusCode: 400, message: `The resource '${resource}' is not supported.` })
          : answer(200, {
              access_token: token,
              expires_on: String(Math.floor(input.state.clock().getTime() / 1000) + HOUR_SECONDS),
              resource,
              token_type: 'Bearer',
              client_id: identity.clientId,
            }),
      () => answer(500, { statusCode: 500, message: 'Token issuance failed.' }),
    );
  });
  const tokenFor = async (resource: string, identity: StoredApp): Promise<string | null> => {
    const now = input.state.clock();
    if (resource === GRAPH_RESOURCE) {
      return issueAccessToken(
        input.key,
        {
          tid: input.state.tenantId,
          appid: identity.clientId,
          oid: identity.servicePrincipalId,
          roles: identity.roles,
        },
        now,
      );
    }
    if (resource === TOKEN_EXCHANGE_AUDIENCE) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ oid: identity.servicePrincipalId, tid: input.state.tenantId, azp: identity.clientId })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: input.key.kid })
        .setIssuer(input.stsIssuer)
        .setSubject(identity.servicePrincipalId)
        .setAudience(TOKEN_EXCHANGE_AUDIENCE)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + HOUR_SECONDS)
        .sign(input.key.privateKey);
    }
    return null;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/msi/token`,
    header,
    requests: () => served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
