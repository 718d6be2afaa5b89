/** Where the JSON API lives: the one place it is written (routes, OpenAPI, error handling). */
export const API_PREFIX = '/api/v1';

/** The interactive API reference (Swagger UI, api/openapi.ts); public like the document it shows. */
export const API_DOCS_PREFIX = '/api/docs';
