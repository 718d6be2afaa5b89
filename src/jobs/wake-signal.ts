// A sleep that a wake-up cuts short. A wake-up that arrives while the worker is busy
// (not sleeping yet) is remembered, so the next sleep returns at once: no lost wake-ups.

export interface WakeSignal {
  wake(): void;
  /** Forget earlier wake-ups (call before looking for work). */
  reset(): void;
  sleep(ms: number): Promise<void>;
  /** Resolves true when `work` settles within `ms`, false otherwise. */
  within(ms: number, work: Promise<unknown>): Promise<boolean>;
}

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let interrupt: (() => void) | null = null;
  return {
    wake() {
      pending = true;
      interrupt?.();
    },
    reset() {
      pending = false;
    },
    sleep(ms) {
      if (pending) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          interrupt = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        interrupt = done;
      });
    },
    async within(ms, work) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      });
      try {
        return await Promise.race([work.then(() => true), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
