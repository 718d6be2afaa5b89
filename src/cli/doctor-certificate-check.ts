// The certificate credential's end date: a warning within 30 days, a failure once passed
// (Entra then refuses the client assertion, AADSTS700027, and provisioning stops).
import { RENEW_CERTIFICATE, readCertificateExpiry } from '../adapters/directory/credential.ts';
import type { Context } from './doctor.ts';
import { type Line, skipped } from './doctor-lines.ts';

export async function checkCertificate({ entra }: Context): Promise<Line[]> {
  const what = 'Certificate expiry';
  if (!entra) return [skipped(what, 'sandbox mode: no credential.')];
  if (entra.credential.kind !== 'certificate') {
    return [
      skipped(
        what,
        'the credential is a client secret, whose end date only Entra knows ' +
          '(App registrations → Certificates & secrets → Client secrets).',
      ),
    ];
  }
  let expiry: ReturnType<typeof readCertificateExpiry>;
  try {
    expiry = readCertificateExpiry(entra.credential.path);
  } catch (err) {
    return [skipped(what, `cannot read it: ${(err as Error).message} (the token check says more).`)];
  }
  const fix = RENEW_CERTIFICATE.replace('<app>', `your app (client id ${entra.clientId})`);
  if (expiry.state === 'expired') return [{ mark: '✗', text: `${expiry.message} Entra refuses it.`, fix }];
  if (expiry.state === 'expiring') return [{ mark: '!', text: expiry.message, fix }];
  return [{ mark: '✓', text: expiry.message }];
}
