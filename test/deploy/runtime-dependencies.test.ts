// The image installs `dependencies` only (npm ci --omit=dev). Every package that code
// under bin/ and src/ loads at run time must therefore be one of them: a devDependency
// imported by runtime code (smtp-server, autocannon, playwright-core…) works in every test
// and fails only in production. .ci/production-check proves the sandbox path end to end;
// this reads every import, including those of commands the check does not run (doctor,
// emulator, the SMTP mailer).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Bare specifiers a file loads at run time: `import type` is erased by type stripping, the rest is not. */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statements = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  const dynamic = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const pattern of [statements, dynamic]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found.filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/'));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]!);

test('everything bin/ and src/ load at run time is a production dependency or built in', () => {
  const offenders: string[] = [];
  const used = new Set<string>();
  for (const file of [...sourceFiles('bin'), ...sourceFiles('src')]) {
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (isBuiltin(specifier)) continue;
      const name = packageName(specifier);
      used.add(name);
      if (!(name in manifest.dependencies)) offenders.push(`${file} imports ${specifier}`);
    }
  }
  assert.deepEqual(offenders, []);
  // The scan sees the imports it should: a broken pattern would find nothing and pass.
  for (const name of ['fastify', 'kysely', 'pg', '@fastify/swagger-ui', 'nodemailer']) assert.ok(used.has(name), name);
});

test('the scan tells run-time imports from erased type imports', () => {
  const source = [
    "import type { Browser } from 'playwright-core';",
    "import { type Kysely, sql } from 'kysely';",
    "import pino from 'pino';",
    "export { x } from 'undici';",
    "const smtp = await import('smtp-server');",
    "import 'selfsigned';",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(runtimeImports(source).sort(), ['kysely', 'node:fs', 'pino', 'selfsigned', 'smtp-server', 'undici']);
});
