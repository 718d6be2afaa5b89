// The approval policy as a table of cases: each rule, their order, and the ways a domain
// can be written (case, subdomains, IDN and punycode, trailing dots).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApprovalPolicy, type ApprovalStage, DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import { evaluatePolicy, explainPolicy, POLICY_RULES, type PolicyFacts } from '../../src/domain/policy/index.ts';

const NOW = new Date('2026-11-28T12:00:00Z');

function stage(name: string): ApprovalStage {
  return {
    name,
    approvers: [{ kind: 'role', role: 'admin' }],
    timeoutDays: null,
    onTimeout: 'reject',
    alternates: [],
    reminderDays: null,
  };
}

const TWO_STAGES = [stage('Manager'), stage('Security')];

function policy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return { ...DEFAULT_POLICY, stages: TWO_STAGES, ...overrides };
}

function facts(email: string, overrides: Partial<PolicyFacts> = {}): PolicyFacts {
  return { email, justification: 'Project Falcon', existingGuest: 'not_checked', ...overrides };
}

type Expected = { outcome: 'approve' | 'reject' | 'ask'; rule: string; stage?: number };

const CASES: { name: string; policy: ApprovalPolicy; facts: PolicyFacts; expected: Expected }[] = [
  // stages
  {
    name: 'no rule decides: first stage',
    policy: policy(),
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  {
    name: 'no stages: approved (no_stages)',
    policy: policy({ stages: [] }),
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'approve', rule: 'no_stages' },
  },
  {
    name: 'the default policy asks the admins',
    policy: DEFAULT_POLICY,
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  // blocked_domain
  {
    name: 'blocked: exact domain',
    policy: policy({ blockedDomains: ['evil.example'] }),
    facts: facts('eve@evil.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: subdomain',
    policy: policy({ blockedDomains: ['evil.example'] }),
    facts: facts('eve@mail.eu.evil.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: a longer name is not a subdomain',
    policy: policy({ blockedDomains: ['evil.example'] }),
    facts: facts('ann@notevil.example'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  {
    name: 'blocked: listed in capitals',
    policy: policy({ blockedDomains: ['EVIL.Example'] }),
    facts: facts('eve@evil.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: listed with a trailing dot',
    policy: policy({ blockedDomains: ['evil.example.'] }),
    facts: facts('eve@evil.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: listed as a wildcard',
    policy: policy({ blockedDomains: ['*.evil.example'] }),
    facts: facts('eve@a.evil.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: IDN listed, punycode address',
    policy: policy({ blockedDomains: ['bücher.example'] }),
    facts: facts('eve@xn--bcher-kva.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: punycode listed, subdomain address',
    policy: policy({ blockedDomains: ['xn--bcher-kva.example'] }),
    facts: facts('eve@shop.xn--bcher-kva.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: IDN in capitals listed',
    policy: policy({ blockedDomains: ['BÜCHER.example'] }),
    facts: facts('eve@xn--bcher-kva.example'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'blocked: an unusable entry matches nothing',
    policy: policy({ blockedDomains: ['not a domain', ''] }),
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  // disposable_address
  {
    name: 'disposable: listed domain rejected',
    policy: policy({ rejectDisposable: true }),
    facts: facts('x@mailinator.com'),
    expected: { outcome: 'reject', rule: 'disposable_address' },
  },
  {
    name: 'disposable: subdomain of a listed domain',
    policy: policy({ rejectDisposable: true }),
    facts: facts('x@eu.mailinator.com'),
    expected: { outcome: 'reject', rule: 'disposable_address' },
  },
  {
    name: 'disposable: an ordinary domain passes',
    policy: policy({ rejectDisposable: true }),
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  {
    name: 'disposable: off in the policy',
    policy: policy({ rejectDisposable: false }),
    facts: facts('x@mailinator.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  // justification_required
  {
    name: 'justification: missing while required',
    policy: policy({ requireJustification: true }),
    facts: facts('ann@fabrikam.com', { justification: null }),
    expected: { outcome: 'reject', rule: 'justification_required' },
  },
  {
    name: 'justification: given while required',
    policy: policy({ requireJustification: true }),
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  {
    name: 'justification: missing, not required',
    policy: policy(),
    facts: facts('ann@fabrikam.com', { justification: null }),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  // allowed_domain
  {
    name: 'allowed: approve',
    policy: policy({ allowedDomains: ['contoso.com'] }),
    facts: facts('ann@contoso.com'),
    expected: { outcome: 'approve', rule: 'allowed_domain' },
  },
  {
    name: 'allowed: subdomain, different case listed',
    policy: policy({ allowedDomains: ['Contoso.COM.'] }),
    facts: facts('ann@eu.contoso.com'),
    expected: { outcome: 'approve', rule: 'allowed_domain' },
  },
  {
    name: 'allowed: last_stage asks the last stage only',
    policy: policy({ allowedDomains: ['contoso.com'], allowedDomainsOutcome: 'last_stage' }),
    facts: facts('ann@contoso.com'),
    expected: { outcome: 'ask', rule: 'allowed_domain', stage: 1 },
  },
  {
    name: 'allowed: last_stage with one stage',
    policy: policy({ allowedDomains: ['contoso.com'], allowedDomainsOutcome: 'last_stage', stages: [stage('Only')] }),
    facts: facts('ann@contoso.com'),
    expected: { outcome: 'ask', rule: 'allowed_domain', stage: 0 },
  },
  {
    name: 'allowed: last_stage with no stage approves',
    policy: policy({ allowedDomains: ['contoso.com'], allowedDomainsOutcome: 'last_stage', stages: [] }),
    facts: facts('ann@contoso.com'),
    expected: { outcome: 'approve', rule: 'allowed_domain' },
  },
  {
    name: 'allowed: other domains still asked',
    policy: policy({ allowedDomains: ['contoso.com'] }),
    facts: facts('ann@fabrikam.com'),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  // existing_guest
  {
    name: 'existing guest approved when the policy says so',
    policy: policy({ existingGuest: 'approve' }),
    facts: facts('ann@fabrikam.com', { existingGuest: true }),
    expected: { outcome: 'approve', rule: 'existing_guest' },
  },
  {
    name: 'existing guest asked when the policy says ask',
    policy: policy({ existingGuest: 'ask' }),
    facts: facts('ann@fabrikam.com', { existingGuest: true }),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  {
    name: 'not an existing guest: asked',
    policy: policy({ existingGuest: 'approve' }),
    facts: facts('ann@fabrikam.com', { existingGuest: false }),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  {
    name: 'existing guest unknown (directory down): asked',
    policy: policy({ existingGuest: 'approve' }),
    facts: facts('ann@fabrikam.com', { existingGuest: 'unknown' }),
    expected: { outcome: 'ask', rule: 'stages', stage: 0 },
  },
  // ordering
  {
    name: 'order: blocked beats allowed (blocked subdomain of an allowed domain)',
    policy: policy({ allowedDomains: ['contoso.com'], blockedDomains: ['lab.contoso.com'] }),
    facts: facts('eve@lab.contoso.com'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'order: blocked beats disposable',
    policy: policy({ rejectDisposable: true, blockedDomains: ['mailinator.com'] }),
    facts: facts('x@mailinator.com'),
    expected: { outcome: 'reject', rule: 'blocked_domain' },
  },
  {
    name: 'order: disposable beats allowed',
    policy: policy({ rejectDisposable: true, allowedDomains: ['mailinator.com'] }),
    facts: facts('x@mailinator.com'),
    expected: { outcome: 'reject', rule: 'disposable_address' },
  },
  {
    name: 'order: a missing reason beats allowed',
    policy: policy({ requireJustification: true, allowedDomains: ['contoso.com'] }),
    facts: facts('ann@contoso.com', { justification: null }),
    expected: { outcome: 'reject', rule: 'justification_required' },
  },
  {
    name: 'order: allowed (last stage) beats existing guest',
    policy: policy({ allowedDomains: ['contoso.com'], allowedDomainsOutcome: 'last_stage', existingGuest: 'approve' }),
    facts: facts('ann@contoso.com', { existingGuest: true }),
    expected: { outcome: 'ask', rule: 'allowed_domain', stage: 1 },
  },
  {
    name: 'order: existing guest beats stages',
    policy: policy({ existingGuest: 'approve', stages: [] }),
    facts: facts('ann@fabrikam.com', { existingGuest: true }),
    expected: { outcome: 'approve', rule: 'existing_guest' },
  },
];

for (const c of CASES) {
  test(`policy: ${c.name}`, () => {
    const decision = evaluatePolicy(c.policy, c.facts, NOW);
    assert.equal(decision.outcome, c.expected.outcome, JSON.stringify(decision));
    assert.equal(decision.rule, c.expected.rule);
    if (decision.outcome === 'ask') assert.equal(decision.stage, c.expected.stage);
  });
}

test('the table runs the rules in their documented order', () => {
  assert.deepEqual(
    POLICY_RULES.map((rule) => rule.name),
    ['blocked_domain', 'disposable_address', 'justification_required', 'allowed_domain', 'existing_guest', 'stages'],
  );
});

test('explainPolicy gives every rule verdict and marks the one that decided', () => {
  const result = explainPolicy(policy({ blockedDomains: ['evil.example'] }), facts('eve@evil.example'), NOW);
  assert.equal(result.trace.length, POLICY_RULES.length);
  assert.equal(result.decidedBy, 0);
  assert.equal(result.trace[0]!.verdict.verdict, 'reject');
  // Later rules are still evaluated for the dry run, though they did not decide.
  assert.equal(result.trace.at(-1)!.verdict.verdict, 'ask');
});

test('a blocked domain is not shared with the requester; disposable and a missing reason are', () => {
  const blocked = explainPolicy(policy({ blockedDomains: ['evil.example'] }), facts('eve@evil.example'), NOW);
  assert.equal(blocked.shareReason, false);
  assert.match(blocked.decision.outcome === 'reject' ? blocked.decision.reason : '', /evil\.example/);
  const disposable = explainPolicy(policy({ rejectDisposable: true }), facts('x@mailinator.com'), NOW);
  assert.equal(disposable.shareReason, true);
  const missing = explainPolicy(
    policy({ requireJustification: true }),
    facts('a@b.example', { justification: null }),
    NOW,
  );
  assert.equal(missing.shareReason, true);
});
