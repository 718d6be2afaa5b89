// The authority and Graph must belong to the same Microsoft cloud: a token from one cloud's
// authority is refused by another cloud's Graph, and the app registration lives in one
// cloud only (learn.microsoft.com/graph/deployments, "Microsoft Graph and Graph Explorer
// service root endpoints"; entra identity-platform/authentication-national-cloud).
import type { Context } from './doctor.ts';
import { type Line, skipped } from './doctor-lines.ts';

interface Cloud {
  name: string;
  /** Authority hosts, the first the one to configure (the others are MSAL's aliases). */
  authorities: string[];
  /** Graph hosts, the first the one to configure. */
  graph: string[];
}

const CLOUDS: Cloud[] = [
  {
    name: 'the global cloud',
    authorities: ['login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'sts.windows.net'],
    graph: ['graph.microsoft.com'],
  },
  {
    name: 'the US Government cloud',
    authorities: ['login.microsoftonline.us', 'login.usgovcloudapi.net', 'login-us.microsoftonline.com'],
    // L4 (GCC High) and L5 (DoD) share the authority.
    graph: ['graph.microsoft.us', 'dod-graph.microsoft.us'],
  },
  {
    name: 'the China cloud operated by 21Vianet',
    authorities: ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
    graph: ['microsoftgraph.chinacloudapi.cn'],
  },
];

export async function checkCloud(ctx: Context): Promise<Line[]> {
  const { entra } = ctx;
  const what = 'Same cloud for AZURE_AUTHORITY_HOST and GUESTLIST_GRAPH_URL';
  if (!entra) return [skipped(what, 'sandbox mode: the bundled emulator plays both.')];
  const authorityHost = new URL(entra.authorityHost).hostname.toLowerCase();
  const graphHost = new URL(entra.graphUrl).hostname.toLowerCase();
  const authorityCloud = CLOUDS.find((cloud) => cloud.authorities.includes(authorityHost));
  const graphCloud = CLOUDS.find((cloud) => cloud.graph.includes(graphHost));
  const unknown = [
    authorityCloud ? null : `AZURE_AUTHORITY_HOST ${authorityHost}`,
    graphCloud ? null : `GUESTLIST_GRAPH_URL ${graphHost}`,
  ].filter(Boolean);
  if (!authorityCloud || !graphCloud) {
    return [
      skipped(
        what,
        `${unknown.join(' and ')} ${unknown.length > 1 ? 'are' : 'is'} in no Microsoft cloud doctor knows ` +
          '(an emulator or a proxy?), so the pairing cannot be checked.',
      ),
    ];
  }
  if (authorityCloud === graphCloud) {
    return [
      {
        mark: '✓',
        text: `AZURE_AUTHORITY_HOST ${authorityHost} and GUESTLIST_GRAPH_URL ${graphHost} are both in ${authorityCloud.name}.`,
      },
    ];
  }
  ctx.cloudMismatch = true;
  return [
    {
      mark: '✗',
      text:
        `AZURE_AUTHORITY_HOST ${authorityHost} is in ${authorityCloud.name} but GUESTLIST_GRAPH_URL ${graphHost} ` +
        `is in ${graphCloud.name}: a token from one is refused by the other.`,
      fix:
        `Use the cloud your tenant is in: GUESTLIST_GRAPH_URL=https://${authorityCloud.graph[0]} for ${authorityCloud.name}, ` +
        `or AZURE_AUTHORITY_HOST=https://${graphCloud.authorities[0]} for ${graphCloud.name}.`,
    },
  ];
}
