// TLS material for the emulator. @azure/identity refuses a non-https authorityHost
// (reference/microsoft-graph.md, "The SDKs' traps"), so the emulator serves HTTPS with a
// server certificate signed by its own CA. Clients trust that CA, never "any certificate":
//   - another process: NODE_EXTRA_CA_CERTS=<caPath> (read once at process start);
//   - @azure/identity in-process: credential option `tlsOptions: { ca: caPem }`;
//   - global fetch (the Graph SDK) in-process: `trustCaForThisProcess(caPem)` (index.ts),
//     or a fetch `dispatcher` whose connect options carry `ca`.
// A CA found in dataDir is reused, so a restarted standalone emulator stays trusted.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  caPem: string;
  caPath: string;
  key: string;
  cert: string;
}

export async function prepareTls(dataDir: string): Promise<TlsMaterial> {
  await mkdir(dataDir, { recursive: true });
  const caPath = join(dataDir, 'ca.pem');
  const caKeyPath = join(dataDir, 'ca-key.pem');
  let ca: { cert: string; key: string };
  if (existsSync(caPath) && existsSync(caKeyPath)) {
    ca = { cert: await readFile(caPath, 'utf8'), key: await readFile(caKeyPath, 'utf8') };
  } else {
    // EC keys: generating two RSA keys would cost most of the emulator's start-up time.
    const generated = await generate([{ name: 'commonName', value: 'Guestlist Graph emulator CA' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: yearsFromNow(10),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    ca = { cert: generated.cert, key: generated.private };
    await writeFile(caKeyPath, ca.key, { mode: 0o600 });
    await writeFile(caPath, ca.cert);
  }
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: yearsFromNow(1),
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, caPath, key: server.private, cert: server.cert };
}

function yearsFromNow(years: number): Date {
  const date = new Date();
  date.setFullYear(date.getFullYear() + years);
  return date;
}
