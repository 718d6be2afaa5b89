import type { Clock } from '../../src/ports.ts';

/** A clock the test moves by hand. */
export function fixedClock(
  start = '2026-03-01T09:00:00.000Z',
): Clock & { advance(ms: number): void; set(iso: string): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
    set: (iso) => {
      now = new Date(iso);
    },
  };
}

/** Ids that read well in failure messages, still valid UUIDs. */
export function sequentialIds(): { next(): string } {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}
