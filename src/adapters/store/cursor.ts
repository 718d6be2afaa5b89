// The keyset cursor of listRequests: the (created_at, id) of the last row of a page,
// opaque to callers. A tampered or stale cursor is a 400, never a 500.
import { ValidationError } from '../../domain/errors.ts';

const ID = /^[0-9a-zA-Z-]{1,64}$/;

export interface Position {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const createdAt = new Date(value[0]);
      // Within what both databases store (PostgreSQL refuses years a JS Date allows), and
      // an id of the form we issue (PostgreSQL refuses a NUL byte in text).
      const year = createdAt.getUTCFullYear();
      if (year >= 1970 && year <= 9999 && ID.test(value[1])) return { createdAt, id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new ValidationError('The page cursor is not valid.', [
    { field: '/after', message: 'Use the `next` value of a previous page.' },
  ]);
}

/** The audit trail's cursor: the insertion sequence number of the last entry of a page. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify(['seq', seq])).toString('base64url');
}

export function decodeSeqCursor(cursor: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value[0] === 'seq' && Number.isSafeInteger(value[1]) && value[1] > 0) return value[1];
  } catch {
    // fall through
  }
  throw new ValidationError('The page cursor is not valid.', [
    { field: '/after', message: 'Use the link to the next page of a previous page.' },
  ]);
}
