// The AADSTS errors of the sign-in flow (entra-docs reference-error-codes.md, reply-url.md,
// v2-oauth2-auth-code-flow.md "Error codes for authorization endpoint errors"). `status`
// applies to the token endpoint; at the authorize endpoint an error either shows Entra's
// error page (the client or redirect URI cannot be trusted with a redirect) or goes back
// to the redirect URI as `error` and `error_description`.
export interface SignInError {
  code: number;
  error: string;
  status: 400 | 401;
  description: string;
}

const e = (code: number, error: string, description: string): SignInError => ({
  code,
  error,
  status: 400,
  description,
});

export const SIGN_IN_ERRORS = {
  missingParameter: (name: string) =>
    e(900144, 'invalid_request', `The request body must contain the following parameter: '${name}'.`),
  redirectMismatch: (redirectUri: string, clientId: string) =>
    e(
      50011,
      'invalid_request',
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ),
  unsupportedResponseType: (responseType: string) =>
    e(
      70005,
      'unsupported_response_type',
      `The app returned an unsupported response type due to the following reasons: response type '${responseType}' is not enabled for the application.`,
    ),
  /** Stricter than Entra, which lets a confidential client skip PKCE: Guestlist must not. */
  pkceRequired: () =>
    e(
      900144,
      'invalid_request',
      "The request body must contain the following parameter: 'code_challenge' (with code_challenge_method 'S256'; this emulator requires PKCE).",
    ),
  /** Entra accepts `plain` too; the emulator holds Guestlist to S256. The code is ours. */
  invalidChallengeMethod: (method: string) =>
    e(
      900144,
      'invalid_request',
      `Invalid code_challenge_method '${method}'. This emulator accepts only 'S256', which Guestlist uses.`,
    ),
  invalidChallengeSize: () => e(501491, 'invalid_request', 'Invalid size of Code_Challenge parameter.'),
  /** Entra also has form_post and fragment; the emulator answers only in the query. */
  unsupportedResponseMode: (mode: string) =>
    e(900144, 'invalid_request', `The response_mode '${mode}' is not supported by this emulator; use 'query'.`),
  loginRequired: () =>
    e(
      50058,
      'login_required',
      'A silent sign-in request was sent but no user is signed in. (The emulator keeps no sign-in session.)',
    ),
  cancelled: () => e(65004, 'access_denied', 'User declined to consent to access the app.'),
  accountDisabled: () => e(50057, 'invalid_request', 'The user account is disabled.'),
  unknownUser: () =>
    e(
      50034,
      'invalid_request',
      "The user account doesn't exist in the directory. To sign into this application, the account must be added to the directory.",
    ),
  pageExpired: () =>
    e(
      50058,
      'invalid_request',
      'This sign-in page has expired or was already answered. Go back to the application and sign in again.',
    ),
  invalidCode: () => e(70000, 'invalid_grant', "The provided value for the 'code' parameter is not valid."),
  codeRedeemed: () =>
    e(
      54005,
      'invalid_grant',
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  codeExpired: () =>
    e(
      70008,
      'invalid_grant',
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  verifierMismatch: () =>
    e(
      501481,
      'invalid_grant',
      "The Code_Verifier doesn't match the code_challenge supplied in the authorization request.",
    ),
  redirectChanged: (sent: string, original: string) =>
    e(
      500112,
      'invalid_grant',
      `The reply address '${sent}' does not match the reply address '${original}' provided when requesting Authorization code.`,
    ),
};
