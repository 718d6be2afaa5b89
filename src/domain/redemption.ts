// How often to ask Graph whether an invited guest has redeemed. Most guests redeem
// within minutes of the email or not for days, so the check starts at the configured
// interval and backs off with the invitation's age (a quarter of it), capped.

export function nextRedemptionCheckDelay(ageMs: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(firstMs, Math.floor(ageMs / 4)));
}
