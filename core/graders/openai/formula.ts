/**
 * `multi.calculate_output`: a small, safe arithmetic language (never `eval`). Documented by OpenAI: + - * / ^
 * (power), min max abs floor ceil exp sqrt log, numbers, parentheses, and the `graders` keys as variables.
 * Choices (recorded in the run report): `^` is right-associative and binds tighter than unary minus (-2^2 = -4);
 * unary + and - are allowed; `log` is natural; min/max take one or more arguments; a division by zero or a
 * non-finite result is an evaluation error (the grade scores 0 with `other_error`).
 */
type Node =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: string }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: Node; right: Node }
  | { kind: 'call'; fn: string; args: Node[] };

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...xs: number[]) => number }> = {
  min: { arity: [1, Infinity], fn: Math.min },
  max: { arity: [1, Infinity], fn: Math.max },
  abs: { arity: [1, 1], fn: Math.abs },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  exp: { arity: [1, 1], fn: Math.exp },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  log: { arity: [1, 1], fn: Math.log },
};

export class FormulaEvalError extends Error {
  override name = 'FormulaEvalError';
}

export type ParsedFormula =
  { ok: true; evaluate(vars: Record<string, number>): number; variables: string[] } | { ok: false; error: string };

type Token =
  { t: 'num'; v: number; at: number } | { t: 'id'; v: string; at: number } | { t: 'op'; v: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    if ('+-*/^(),'.includes(ch)) {
      out.push({ t: 'op', v: ch, at: i });
      i++;
      continue;
    }
    throw new SyntaxError(`unexpected '${ch}' at position ${i + 1}`);
  }
  return out;
}

/** Parses a formula and checks every identifier is a function or one of `variables`. */
export function parseFormula(src: string, variables: readonly string[]): ParsedFormula {
  let tokens: Token[];
  try {
    tokens = tokenize(src);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  let pos = 0;
  const used = new Set<string>();
  const peek = () => tokens[pos];
  const fail = (msg: string): never => {
    throw new SyntaxError(msg);
  };
  const where = () => (peek() ? `at position ${peek()!.at + 1}` : 'at the end');
  const expectOp = (v: string) => {
    const tk = peek();
    if (tk?.t !== 'op' || tk.v !== v) fail(`expected '${v}' ${where()}`);
    pos++;
  };
  const expr = (): Node => {
    let left = term();
    for (let tk = peek(); tk?.t === 'op' && (tk.v === '+' || tk.v === '-'); tk = peek()) {
      pos++;
      left = { kind: 'bin', op: tk.v as '+' | '-', left, right: term() };
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    for (let tk = peek(); tk?.t === 'op' && (tk.v === '*' || tk.v === '/'); tk = peek()) {
      pos++;
      left = { kind: 'bin', op: tk.v as '*' | '/', left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    const tk = peek();
    if (tk?.t === 'op' && (tk.v === '-' || tk.v === '+')) {
      pos++;
      const arg = unary();
      return tk.v === '-' ? { kind: 'neg', arg } : arg;
    }
    return power();
  };
  const power = (): Node => {
    const base = primary();
    const tk = peek();
    if (tk?.t === 'op' && tk.v === '^') {
      pos++;
      return { kind: 'bin', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const primary = (): Node => {
    const tk = peek();
    if (!tk) return fail('unexpected end of formula');
    if (tk.t === 'num') {
      pos++;
      return { kind: 'num', value: tk.v };
    }
    if (tk.t === 'id') {
      pos++;
      const next = peek();
      if (next?.t === 'op' && next.v === '(') {
        const spec = FUNCTIONS[tk.v];
        if (!spec) fail(`unknown function '${tk.v}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
        pos++;
        const args: Node[] = [];
        if (!(peek()?.t === 'op' && peek()!.v === ')')) {
          args.push(expr());
          while (peek()?.t === 'op' && peek()!.v === ',') {
            pos++;
            args.push(expr());
          }
        }
        expectOp(')');
        const [lo, hi] = spec!.arity;
        if (args.length < lo || args.length > hi)
          fail(`${tk.v}() takes ${lo === hi ? lo : `at least ${lo}`} argument(s), got ${args.length}`);
        return { kind: 'call', fn: tk.v, args };
      }
      if (!variables.includes(tk.v)) fail(`unknown name '${tk.v}' (graders: ${variables.join(', ') || 'none'})`);
      used.add(tk.v);
      return { kind: 'var', name: tk.v };
    }
    if (tk.v === '(') {
      pos++;
      const inner = expr();
      expectOp(')');
      return inner;
    }
    return fail(`unexpected '${tk.v}' ${where()}`);
  };
  let root: Node;
  try {
    root = expr();
    if (pos < tokens.length) fail(`unexpected '${String(peek()!.v)}' ${where()}`);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return { ok: true, variables: [...used], evaluate: (vars) => evaluate(root, vars) };
}

function evaluate(n: Node, vars: Record<string, number>): number {
  switch (n.kind) {
    case 'num':
      return n.value;
    case 'var': {
      const v = vars[n.name];
      if (v === undefined) throw new FormulaEvalError(`no value for '${n.name}'`);
      return v;
    }
    case 'neg':
      return -evaluate(n.arg, vars);
    case 'call':
      return checked(FUNCTIONS[n.fn]!.fn(...n.args.map((a) => evaluate(a, vars))), `${n.fn}()`);
    case 'bin': {
      const a = evaluate(n.left, vars);
      const b = evaluate(n.right, vars);
      switch (n.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          if (b === 0) throw new FormulaEvalError('division by zero');
          return a / b;
        case '^':
          return checked(a ** b, '^');
      }
    }
  }
}

function checked(v: number, what: string): number {
  if (!Number.isFinite(v)) throw new FormulaEvalError(`${what} gave ${v}`);
  return v;
}
