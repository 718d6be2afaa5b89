// Test helper: a CA of our own and server certificates it signs, for TLS servers in tests
// (trusted by passing the CA as doctor's `ca`, never process-wide).
import { generate } from 'selfsigned';

export interface TestCa {
  caPem: string;
  /** A server certificate and key signed by the CA, for `name` (and 127.0.0.1 when it is localhost). */
  leaf(name: string): Promise<{ key: string; cert: string }>;
}

export async function testCa(): Promise<TestCa> {
  const ca = await generate([{ name: 'commonName', value: 'Guestlist test mail CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, critical: true },
    ],
  });
  return {
    caPem: ca.cert,
    async leaf(name) {
      const ip = name === 'localhost' ? [{ type: 7 as const, ip: '127.0.0.1' }] : [];
      const pems = await generate([{ name: 'commonName', value: name }], {
        keyType: 'ec',
        algorithm: 'sha256',
        ca: { key: ca.private, cert: ca.cert },
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 2 as const, value: name }, ...ip] }],
      });
      return { key: pems.private, cert: pems.cert };
    },
  };
}
