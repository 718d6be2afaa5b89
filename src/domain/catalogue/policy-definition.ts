// Reads a declared approval policy (domain/approval-policy.ts's shape). Every field is
// optional and falls back to DEFAULT_POLICY's; a policy that declares `stages: []` has no
// approvers, so what no rule decides is approved. Pure.
import { type ApprovalPolicy, type ApprovalStage, type ApproverRef, DEFAULT_POLICY } from '../approval-policy.ts';
import { normalizeEmail } from '../person.ts';
import { DOMAIN, GUID, type Path, type Reader } from './reader.ts';

export const MAX_STAGES = 3;
const POLICY_FIELDS = [
  'blockedDomains',
  'rejectDisposable',
  'allowedDomains',
  'allowedDomainsOutcome',
  'existingGuest',
  'requireJustification',
  'stages',
] as const;
const STAGE_FIELDS = ['name', 'approvers', 'timeoutDays', 'onTimeout', 'alternates', 'reminderDays'] as const;

export function readPolicy(read: Reader, value: unknown, path: Path): ApprovalPolicy {
  if (value === undefined || value === null) return DEFAULT_POLICY;
  const fields = read.object(value, path, POLICY_FIELDS);
  if (!fields) return DEFAULT_POLICY;
  const domains = (key: string) =>
    read.list(fields, key, path, (item, at) => readDomain(read, item, at), { fallback: [], max: 500 });
  return {
    blockedDomains: domains('blockedDomains'),
    rejectDisposable: read.bool(fields, 'rejectDisposable', path, DEFAULT_POLICY.rejectDisposable),
    allowedDomains: domains('allowedDomains'),
    allowedDomainsOutcome: read.oneOf(
      fields,
      'allowedDomainsOutcome',
      path,
      ['approve', 'last_stage'],
      DEFAULT_POLICY.allowedDomainsOutcome,
    ),
    existingGuest: read.oneOf(fields, 'existingGuest', path, ['approve', 'ask'], DEFAULT_POLICY.existingGuest),
    requireJustification: read.bool(fields, 'requireJustification', path, DEFAULT_POLICY.requireJustification),
    stages: read.list(fields, 'stages', path, (item, at) => readStage(read, item, at), {
      fallback: [...DEFAULT_POLICY.stages],
      max: MAX_STAGES,
    }),
  };
}

/** A domain in a list: lower-cased, without a leading `@`. */
export function readDomain(read: Reader, value: unknown, path: Path): string | null {
  if (typeof value !== 'string' || !DOMAIN.test(value.trim().replace(/^@/, '').toLowerCase())) {
    read.fail(path, 'must be a domain name such as contoso.com');
    return null;
  }
  return value.trim().replace(/^@/, '').toLowerCase();
}

function readStage(read: Reader, value: unknown, path: Path): ApprovalStage | null {
  const fields = read.object(value, path, STAGE_FIELDS);
  if (!fields) return null;
  const approvers = read.list(fields, 'approvers', path, (item, at) => readApprover(read, item, at), { max: 50 });
  if (fields.approvers !== undefined && Array.isArray(fields.approvers) && fields.approvers.length === 0) {
    read.fail([...path, 'approvers'], 'must name at least one approver');
  }
  const timeoutDays = read.wholeNumber(fields, 'timeoutDays', path, 1, 365, true);
  const reminderDays = read.wholeNumber(fields, 'reminderDays', path, 1, 365, true);
  const onTimeout = read.oneOf(fields, 'onTimeout', path, ['escalate', 'reject'], 'reject');
  const alternates = read.list(fields, 'alternates', path, (item, at) => readApprover(read, item, at), {
    fallback: [],
    max: 50,
  });
  if (onTimeout === 'escalate' && alternates.length === 0 && fields.onTimeout !== undefined) {
    read.fail([...path, 'alternates'], 'must name who takes over when the stage escalates');
  }
  if (timeoutDays !== null && reminderDays !== null && reminderDays >= timeoutDays) {
    read.fail([...path, 'reminderDays'], 'must be fewer days than timeoutDays (the reminder comes before the timeout)');
  }
  return {
    name: read.text(fields, 'name', path, { max: 100 }),
    approvers,
    timeoutDays,
    onTimeout,
    alternates,
    reminderDays,
  };
}

function readApprover(read: Reader, value: unknown, path: Path): ApproverRef | null {
  const fields = read.object(value, path, ['kind', 'email', 'role', 'groupId', 'name']);
  if (!fields) return null;
  const kind = read.oneOf(fields, 'kind', path, ['person', 'role', 'group']);
  if (kind === 'person') {
    const raw = read.text(fields, 'email', path);
    const email = normalizeEmail(raw);
    if (raw && !email.ok) read.fail([...path, 'email'], `is not a valid email address: ${email.reason}`);
    return { kind, email: email.ok ? email.email : raw };
  }
  if (kind === 'role') {
    const role = read.oneOf(fields, 'role', path, ['admin', 'approver']);
    return { kind, role: role === 'approver' ? 'approver' : 'admin' };
  }
  const groupId = read.text(fields, 'groupId', path, {
    pattern: GUID,
    patternMessage: 'must be a group object id (a GUID)',
  });
  const name = read.text(fields, 'name', path, { fallback: '', max: 100 });
  return { kind, groupId: groupId.toLowerCase(), ...(name ? { name } : {}) };
}
