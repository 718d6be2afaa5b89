// Redirect URIs as the app registration takes them (reply-url.md): absolute, no fragment,
// at most 256 of them. Entra also wants https except for http://localhost; the emulator
// takes any http URI, because sandbox mode runs Guestlist on a plain-http address.
export function checkRedirectUris(uris: string[]): string[] {
  if (uris.length > 256) throw new TypeError('An app takes at most 256 redirect URIs.');
  for (const uri of uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new TypeError(`Redirect URI '${uri}' is not an absolute URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`Redirect URI '${uri}' must be http or https.`);
    }
    if (url.hash !== '' || uri.includes('#')) throw new TypeError(`Redirect URI '${uri}' must not have a fragment.`);
  }
  return [...new Set(uris)];
}
