import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { roleFromAppRoles, safeNext } from '../../src/domain/sign-in.ts';

test('app roles → Guestlist role: admin wins, approver next, anything else is none', () => {
  assert.equal(roleFromAppRoles(['Guestlist.Approver', 'Guestlist.Admin']), 'admin');
  assert.equal(roleFromAppRoles(['Guestlist.Approver']), 'approver');
  assert.equal(roleFromAppRoles([]), null);
  assert.equal(roleFromAppRoles(['guestlist.admin', 'Admin', 'Guestlist.Reader']), null, 'values are exact');
});

test('safeNext keeps paths on this site and refuses everything that could leave it', () => {
  for (const [next, expected] of [
    ['/admin', '/admin'],
    ['/admin/requests/42?tab=history#audit', '/admin/requests/42?tab=history#audit'],
    ['/a/../b', '/b'],
    [undefined, '/admin'],
    ['', '/admin'],
    ['//evil.com', '/admin'],
    ['///evil.com', '/admin'],
    ['/\\evil.com', '/admin'],
    ['\\/evil.com', '/admin'],
    ['https://evil.com', '/admin'],
    ['http:/evil.com', '/admin'],
    ['javascript:alert(1)', '/admin'],
    ['evil.com/admin', '/admin'],
    ['/\t/evil.com', '/admin'],
    ['/\n/evil.com', '/admin'],
    [`/${'a'.repeat(2001)}`, '/admin'],
  ] as const) {
    assert.equal(safeNext(next), expected, JSON.stringify(next));
  }
});

test('GUESTLIST_COOKIE_SECRET: optional, at least 32 characters', () => {
  assert.equal(loadConfig({}).cookieSecret, null);
  assert.equal(loadConfig({ GUESTLIST_COOKIE_SECRET: 'k'.repeat(32) }).cookieSecret, 'k'.repeat(32));
  assert.throws(
    () => loadConfig({ GUESTLIST_COOKIE_SECRET: 'short' }),
    (error: Error) => error instanceof ConfigError && /GUESTLIST_COOKIE_SECRET/.test(error.message),
  );
});
