// Why an SMTP server could not be used, in one line with the fix, for `guestlist doctor`.
// nodemailer tags its errors with a code (ESOCKET, EDNS, ETIMEDOUT, EAUTH, EENVELOPE…;
// nodemailer/errors.js) and keeps Node's own code of a TLS failure in `originalCode`.
// The text we build names the server and the user, never the password; the server's own
// reply is quoted as it came (servers do not echo passwords).

export interface SmtpProblem {
  problem: string;
  fix: string;
}

interface NodemailerError {
  code?: string;
  originalCode?: string;
  message?: string;
  response?: string;
  responseCode?: number;
}

const PORTS = 'smtp:// with STARTTLS on port 587 or 25, smtps:// on port 465';
// Node's codes for a certificate it does not trust (tls.TLSSocket authorizationError).
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/** @param where host:port of the server; @param user the user name in SMTP_URL, if any. */
export function explainSmtpError(err: unknown, where: string, user: string | null): SmtpProblem {
  const e = (err ?? {}) as NodemailerError;
  const detail = firstLine(e.message ?? String(err));
  const tlsCode = e.originalCode ?? '';
  if (/\bECONNREFUSED\b/.test(detail)) {
    return {
      problem: `Nobody is listening at ${where} (${detail.replace(/^connect /, '')}).`,
      fix: `Check the host and port in SMTP_URL (${PORTS}) and that the mail server is up and reachable from here.`,
    };
  }
  if (e.code === 'EDNS' || /\b(ENOTFOUND|EAI_AGAIN)\b/.test(detail)) {
    return {
      problem: `The mail server's name does not resolve (${detail}).`,
      fix: "Check the host name in SMTP_URL, and this machine's DNS.",
    };
  }
  if (tlsCode === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      problem: `The TLS certificate of ${where} is not issued for that name (${tlsCode}: ${detail}).`,
      fix: 'Use in SMTP_URL the host name the certificate names (often smtp.<provider>, not an IP address or alias).',
    };
  }
  if (UNTRUSTED.has(tlsCode)) {
    return {
      problem: `The TLS certificate of ${where} is not trusted (${tlsCode}: ${detail.replace(/;.*$/, '')}).`,
      fix:
        'Give the mail server a certificate from a public CA, or trust its CA here: NODE_EXTRA_CA_CERTS=/path/ca.pem ' +
        '(a TLS-inspecting proxy needs the same).',
    };
  }
  if (tlsCode === 'CERT_HAS_EXPIRED') {
    return { problem: `The TLS certificate of ${where} has expired.`, fix: "Renew the mail server's certificate." };
  }
  if (e.code === 'ETLS' || tlsCode.startsWith('ERR_SSL_') || tlsCode.startsWith('ERR_TLS_')) {
    return {
      problem: `TLS with ${where} failed (${tlsCode || e.code}: ${detail}).`,
      fix: `Match the scheme to the port: ${PORTS}.`,
    };
  }
  if (e.code === 'ETIMEDOUT') {
    return {
      problem: `${where} did not answer in time (${detail}).`,
      fix:
        `A firewall may drop the connection; or the port expects TLS from the start: ${PORTS}. ` +
        'Check SMTP_URL and that this machine may connect out to that port.',
    };
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    const reply = e.response ? `: ${firstLine(e.response)}` : ` (${detail})`;
    return {
      problem: `${where} refused the login${user ? ` as "${user}"` : ''}${reply}.`,
      fix:
        'Check the user name and password in SMTP_URL (URL-encode @ : / % in them as %40 %3A %2F %25); ' +
        'some providers want an app password, or SMTP AUTH enabled for the mailbox.',
    };
  }
  if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.response) {
    return {
      problem: `${where} refused the message: ${firstLine(e.response)}.`,
      fix:
        'Check the address. A server that refuses to relay needs Guestlist allowed to send to other domains, ' +
        'and GUESTLIST_MAIL_FROM must be an address the SMTP user may send as.',
    };
  }
  return {
    problem: `${where}: ${e.code ? `${e.code} ` : ''}${e.response ? firstLine(e.response) : detail}.`,
    fix: 'Check SMTP_URL and that the mail server accepts connections from this machine.',
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/\.$/, '');
}
