// A small reader for declared data (the configuration file, the console's app form): it
// walks a plain value, takes what is right and records each problem with the path of the
// value at fault (`apps[1].slug`), so the caller can point at the line or the form field.
// Pure.

export type Path = readonly (string | number)[];

export interface DefinitionProblem {
  path: Path;
  message: string;
}

/** `apps[1].questions[0].id`: how a path is written in messages. */
export function formatPath(path: Path): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

export type Fields = Record<string, unknown>;

export class Reader {
  readonly problems: DefinitionProblem[] = [];

  fail(path: Path, message: string): void {
    this.problems.push({ path, message });
  }

  /** An object with only `known` keys (others are reported), or null. */
  object(value: unknown, path: Path, known: readonly string[]): Fields | null {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, 'must be a mapping (key: value lines)');
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail([...path, key], `is not a known field (known: ${known.join(', ')})`);
    }
    return value as Fields;
  }

  /** A list (absent: `fallback`); each element read by `each`. */
  list<T>(
    fields: Fields,
    key: string,
    path: Path,
    each: (value: unknown, path: Path) => T | null,
    options: { fallback?: T[]; max?: number } = {},
  ): T[] {
    const value = fields[key];
    if (value === undefined || value === null) {
      if (options.fallback === undefined) this.fail([...path, key], 'is required');
      return options.fallback ?? [];
    }
    if (!Array.isArray(value)) {
      this.fail([...path, key], 'must be a list');
      return [];
    }
    if (options.max !== undefined && value.length > options.max) {
      this.fail([...path, key], `must have at most ${options.max} entries`);
    }
    return value.flatMap((element, i) => {
      const read = each(element, [...path, key, i]);
      return read === null ? [] : [read];
    });
  }

  /** A string, trimmed; absent: `fallback` (or "is required" without one). */
  text(
    fields: Fields,
    key: string,
    path: Path,
    options: { fallback?: string; max?: number; pattern?: RegExp; patternMessage?: string; nonEmpty?: boolean } = {},
  ): string {
    const value = fields[key];
    const at = [...path, key];
    if (value === undefined || value === null) {
      if (options.fallback === undefined) this.fail(at, 'is required');
      return options.fallback ?? '';
    }
    if (typeof value !== 'string') {
      this.fail(at, 'must be text');
      return '';
    }
    const text = value.trim();
    if (options.nonEmpty !== false && options.fallback === undefined && text === '') this.fail(at, 'must not be empty');
    else if (options.max !== undefined && [...text].length > options.max)
      this.fail(at, `must be at most ${options.max} characters`);
    else if (options.pattern && text !== '' && !options.pattern.test(text))
      this.fail(at, options.patternMessage ?? 'is not valid');
    else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u.test(text))
      this.fail(at, 'must not contain control characters or characters that change the direction of text');
    return text;
  }

  bool(fields: Fields, key: string, path: Path, fallback: boolean): boolean {
    const value = fields[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.fail([...path, key], 'must be true or false');
      return fallback;
    }
    return value;
  }

  /** A whole number from min to max, or null when absent and `nullable`. */
  wholeNumber(fields: Fields, key: string, path: Path, min: number, max: number, nullable: true): number | null;
  wholeNumber(fields: Fields, key: string, path: Path, min: number, max: number, nullable?: false): number;
  wholeNumber(fields: Fields, key: string, path: Path, min: number, max: number, nullable = false): number | null {
    const value = fields[key];
    if ((value === undefined || value === null) && nullable) return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail([...path, key], `must be a whole number from ${min} to ${max}`);
      return nullable ? null : min;
    }
    return value;
  }

  /** One of `choices` (absent: `fallback`). */
  oneOf<T extends string>(fields: Fields, key: string, path: Path, choices: readonly T[], fallback?: T): T {
    const value = fields[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      this.fail([...path, key], `must be one of ${choices.join(', ')}`);
      return fallback ?? choices[0]!;
    }
    return value as T;
  }
}

/** Microsoft Entra object ids (groups, service principals, app roles). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A domain name as people write it in lists (lower-case ASCII, at least two labels). */
export const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
