/** Guestlist will not start, for a reason its message says in one line with the fix (the CLI prints it alone). */
export class RefusedStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedStartError';
  }
}
