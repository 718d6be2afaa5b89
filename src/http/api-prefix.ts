/** Where the JSON API lives: the one place it is written (routes, OpenAPI, error handling). */
export const API_PREFIX = '/api/v1';
