// Parses the subset of OData `$filter` Graph accepts on users (concepts/filter-query-parameter.md):
// comparisons, `in`, startsWith/endsWith, `any`/`all` lambdas, and/or/not, parentheses.
// String literals escape `'` by doubling it (`'o''brien@contoso.com'`, concepts/query-parameters.md);
// an unescaped apostrophe leaves a stray token, which Graph answers with 400
// "Invalid filter clause": that is a SyntaxError here.

export type Literal = string | number | boolean | null;
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'call'; fn: 'startswith' | 'endswith'; path: string[]; value: Literal }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; path: string[]; variable: string; body: FilterNode };

export class FilterSyntaxError extends Error {}

type Token =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'word' | 'punct'; value: string };

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] !== "'") break;
          i++; // a doubled quote is one literal quote
        }
        value += text[i];
        i++;
      }
      i++;
      tokens.push({ type: 'string', value });
    } else if ('(),:/'.includes(ch)) {
      tokens.push({ type: 'punct', value: ch });
      i++;
    } else {
      const match = /^(-?\d+(?:\.\d+)?(?![A-Za-z_])|[A-Za-z_$][A-Za-z0-9_$.]*)/.exec(text.slice(i));
      if (!match) throw new FilterSyntaxError(`character '${ch}' is not valid at position ${i}`);
      const word = match[0];
      tokens.push(/^-?\d/.test(word) ? { type: 'number', value: Number(word) } : { type: 'word', value: word });
      i += word.length;
    }
  }
  return tokens;
}

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (offset = 0) => tokens[pos + offset];
  const isWord = (token: Token | undefined, word?: string) =>
    token?.type === 'word' && (word === undefined || token.value.toLowerCase() === word);
  const isPunct = (token: Token | undefined, p: string) => token?.type === 'punct' && token.value === p;
  const expectPunct = (p: string) => {
    if (!isPunct(peek(), p)) throw new FilterSyntaxError(`expected '${p}'`);
    pos++;
  };

  const literal = (): Literal => {
    const token = tokens[pos++];
    if (token?.type === 'string' || token?.type === 'number') return token.value;
    if (isWord(token, 'true')) return true;
    if (isWord(token, 'false')) return false;
    if (isWord(token, 'null')) return null;
    throw new FilterSyntaxError('expected a literal');
  };

  // `a/b/c`, stopping before `/any(` or `/all(` so the lambda can take over.
  const path = (): string[] => {
    const first = tokens[pos++];
    if (first?.type !== 'word') throw new FilterSyntaxError('expected a property');
    const segments = [first.value];
    while (isPunct(peek(), '/') && isWord(peek(1)) && !(isLambdaWord(peek(1)) && isPunct(peek(2), '('))) {
      segments.push((tokens[pos + 1] as { value: string }).value);
      pos += 2;
    }
    return segments;
  };

  const primary = (): FilterNode => {
    if (isPunct(peek(), '(')) {
      pos++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    const head = peek();
    if (isWord(head) && isPunct(peek(1), '(')) {
      const fn = (head as { value: string }).value.toLowerCase();
      if (fn !== 'startswith' && fn !== 'endswith') throw new FilterSyntaxError(`unknown function '${fn}'`);
      pos += 2;
      const target = path();
      expectPunct(',');
      const value = literal();
      expectPunct(')');
      return { kind: 'call', fn, path: target, value };
    }
    const target = path();
    if (isPunct(peek(), '/') && isLambdaWord(peek(1))) {
      const quantifier = (tokens[pos + 1] as { value: string }).value.toLowerCase() as 'any' | 'all';
      pos += 2;
      expectPunct('(');
      const variable = tokens[pos++];
      if (variable?.type !== 'word') throw new FilterSyntaxError('expected a lambda variable');
      expectPunct(':');
      const body = orExpr();
      expectPunct(')');
      return { kind: 'lambda', quantifier, path: target, variable: variable.value, body };
    }
    const op = peek();
    if (isWord(op, 'in')) {
      pos++;
      expectPunct('(');
      const values = [literal()];
      while (isPunct(peek(), ',')) {
        pos++;
        values.push(literal());
      }
      expectPunct(')');
      return { kind: 'in', path: target, values };
    }
    if (op?.type === 'word' && COMPARE_OPS.has(op.value.toLowerCase())) {
      pos++;
      return { kind: 'compare', op: op.value.toLowerCase() as CompareOp, path: target, value: literal() };
    }
    throw new FilterSyntaxError('expected an operator');
  };

  const unary = (): FilterNode => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const andExpr = (): FilterNode => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  const node = orExpr();
  if (pos !== tokens.length) throw new FilterSyntaxError('unexpected text after the expression');
  return node;
}

function isLambdaWord(token: Token | undefined): boolean {
  return token?.type === 'word' && ['any', 'all'].includes(token.value.toLowerCase());
}
