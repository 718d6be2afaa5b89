// Validates an Adaptive Card against the official JSON schema (vendored: see
// test/fixtures/adaptive-cards/README.md), with Ajv and the formats it uses (uri, uri-reference…).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const SCHEMA = new URL('../fixtures/adaptive-cards/adaptive-card-1.5.schema.json', import.meta.url);

let validate: ReturnType<Ajv['compile']> | null = null;

/** The schema errors of `card` (as `path: message` lines); empty when it is valid. */
export function adaptiveCardErrors(card: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    // ajv-formats is CommonJS with a default export; under Node's ESM loader it may arrive wrapped.
    const module = addFormatsModule as unknown as { default?: (ajv: Ajv) => void };
    const addFormats = module.default ?? (addFormatsModule as unknown as (ajv: Ajv) => void);
    addFormats(ajv);
    // Draft-06, but named with draft-04's `id`, which Ajv 8 refuses: renamed to `$id`.
    const { id, ...schema } = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>;
    validate = ajv.compile({ $id: String(id), ...schema });
  }
  if (validate(card)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message}`);
}
