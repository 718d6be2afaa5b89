// The directory adapter: Microsoft Entra ID through Microsoft Graph (see README.md).
export { type AadstsExplanation, explainAadsts } from './aadsts.ts';
export { createGraphApproverGroups } from './approver-groups.ts';
export { classifyGraphError, parseRetryAfter } from './classify-graph-error.ts';
export { createCredential, graphScope, isMicrosoftAuthority } from './credential.ts';
export { createGraphClient, DEFAULT_TIMEOUT_MS, type GraphClient } from './graph-client.ts';
export { createGraphDirectory } from './graph-directory.ts';
export { odataString } from './odata.ts';
