/**
 * Tokens of the `CREATE TABLE` subset (see parser.ts). The whole statement is
 * tokenized up front: DDL is small, and the parser then looks ahead freely.
 *
 * - bare identifiers `[A-Za-z_][A-Za-z0-9_$]*`: keywords are bare identifiers
 *   compared case-insensitively by the parser;
 * - backtick identifiers `` `a b` `` (a doubled backtick is one backtick): never keywords;
 * - string literals `'x'` (a doubled quote is one quote; no backslash escapes,
 *   as in Flink SQL);
 * - unsigned integer literals; punctuation `( ) , ; = < > .`;
 * - comments `-- to end of line` and `/* ... *\/` are skipped.
 * A character that starts no token becomes an `invalid` token, so the parser
 * reports it with what it expected there. Positions are 1-based; columns
 * count UTF-16 code units.
 */
import { DdlSyntaxError } from "../errors.ts";

// ---------------------------------------------------------------------------
// model

export const TokenKinds = {
  ident: "ident",
  quoted: "quoted",
  string: "string",
  number: "number",
  punct: "punct",
  invalid: "invalid",
  eof: "eof",
} as const;
export type TokenKind = (typeof TokenKinds)[keyof typeof TokenKinds];

export interface Token {
  readonly kind: TokenKind;
  /** The token as written in the statement. */
  readonly raw: string;
  /** Identifier name, string contents, number digits or punctuation. */
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

/** How a token is shown in a syntax error: `'WITH'`, `string 'x'`, `end of input`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case TokenKinds.eof: return "end of input";
    case TokenKinds.string: return `string ${token.raw.length > 40 ? `${token.raw.slice(0, 40)}…'` : token.raw}`;
    default: return `'${token.raw.length > 40 ? `${token.raw.slice(0, 40)}…` : token.raw}'`;
  }
}

// ---------------------------------------------------------------------------
// tokenizer

const PUNCTUATION = "(),;=<>.";
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/**
 * @example tokenize("CREATE TABLE t").map((t) => t.value) // ["CREATE", "TABLE", "t", ""]
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;

  // Advances over text[pos..end), keeping line and lineStart right.
  const advanceTo = (end: number): void => {
    for (let i = pos; i < end; i++) {
      if (text[i] === "\n") { line++; lineStart = i + 1; }
    }
    pos = end;
  };

  while (pos < n) {
    const c = text[pos]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\f") { advanceTo(pos + 1); continue; }
    if (c === "-" && text[pos + 1] === "-") {
      const end = text.indexOf("\n", pos);
      advanceTo(end === -1 ? n : end);
      continue;
    }
    if (c === "/" && text[pos + 1] === "*") {
      const end = text.indexOf("*/", pos + 2);
      if (end === -1) {
        throw new DdlSyntaxError(line, pos - lineStart + 1, "'*/' closing the comment that starts here", "end of input");
      }
      advanceTo(end + 2);
      continue;
    }
    const startLine = line;
    const startColumn = pos - lineStart + 1;
    const push = (kind: TokenKind, end: number, value: string): void => {
      const raw = text.slice(pos, end);
      tokens.push({ kind, raw, value, line: startLine, column: startColumn });
      advanceTo(end);
    };
    if (IDENT_START.test(c)) {
      let end = pos + 1;
      while (end < n && IDENT_PART.test(text[end]!)) end++;
      push(TokenKinds.ident, end, text.slice(pos, end));
    } else if (c >= "0" && c <= "9") {
      let end = pos + 1;
      while (end < n && text[end]! >= "0" && text[end]! <= "9") end++;
      push(TokenKinds.number, end, text.slice(pos, end));
    } else if (c === "`" || c === "'") {
      const end = closingQuote(text, pos, c);
      if (end === -1) {
        throw new DdlSyntaxError(startLine, startColumn,
          `a closing ${c} for the ${c === "'" ? "string" : "identifier"} that starts here`, "end of input");
      }
      const inner = text.slice(pos + 1, end).split(c + c).join(c);
      if (c === "`" && inner === "") {
        throw new DdlSyntaxError(startLine, startColumn, "a non-empty identifier", "'``'");
      }
      push(c === "'" ? TokenKinds.string : TokenKinds.quoted, end + 1, inner);
    } else if (PUNCTUATION.includes(c)) {
      push(TokenKinds.punct, pos + 1, c);
    } else {
      const width = c.codePointAt(0)! > 0xffff ? 2 : 1;
      push(TokenKinds.invalid, pos + width, text.slice(pos, pos + width));
    }
  }
  tokens.push({ kind: TokenKinds.eof, raw: "", value: "", line, column: pos - lineStart + 1 });
  return tokens;
}

/** Index of the quote closing the literal opened at `start`, skipping doubled quotes; -1 if none. */
function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const end = text.indexOf(quote, i);
    if (end === -1) return -1;
    if (text[end + 1] === quote) { i = end + 2; continue; }
    return end;
  }
}
