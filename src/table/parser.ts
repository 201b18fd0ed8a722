/**
 * Recursive-descent parser for the `CREATE TABLE` subset that the Flink
 * RocketMQ connector's tables use:
 *
 * ```
 * CREATE TABLE [IF NOT EXISTS] name (
 *   element [, element ...]
 * ) WITH ( 'key' = 'value' [, ...] ) [;]
 *
 * element := column type [PRIMARY KEY NOT ENFORCED] [COMMENT 'text']
 *          | column type METADATA [FROM 'key'] [VIRTUAL] [COMMENT 'text']
 *          | [CONSTRAINT name] PRIMARY KEY (column [, ...]) NOT ENFORCED
 * type    := base [NOT NULL | NULL]
 * base    := BOOLEAN | TINYINT | SMALLINT | INT | INTEGER | BIGINT | FLOAT
 *          | DOUBLE [PRECISION] | DECIMAL|DEC|NUMERIC [(p [, s])]
 *          | STRING | VARCHAR [(n)] | CHAR [(n)] | BYTES | VARBINARY [(n)] | BINARY [(n)]
 *          | DATE | TIME [(p)] | TIMESTAMP [(p)] [WITHOUT TIME ZONE]
 *          | TIMESTAMP [(p)] WITH LOCAL TIME ZONE | TIMESTAMP_LTZ [(p)]
 *          | MAP<type, type>
 * ```
 * Keywords are case-insensitive bare identifiers; a backtick identifier is
 * never a keyword. Defaults follow Flink: DECIMAL = DECIMAL(10, 0), VARCHAR,
 * CHAR, BINARY, VARBINARY = length 1, TIME = TIME(0), TIMESTAMP and
 * TIMESTAMP_LTZ = precision 6.
 *
 * Decisions: a primary key is accepted only as `NOT ENFORCED` (as Flink
 * demands), recorded and made NOT NULL, and otherwise ignored: RocketMQ
 * tables are append-only. Computed columns, WATERMARK, PARTITIONED BY, LIKE,
 * ARRAY/ROW/MULTISET types and TEMPORARY tables are not supported and fail
 * with a `DdlSyntaxError` at the token where they start. Grammar problems are
 * `DdlSyntaxError` (line, column, expected, found); meaning problems (a
 * duplicate column, a bad length, an unknown metadata key) are `DdlError`.
 */
import { DdlError, DdlSyntaxError } from "../errors.ts";
import { describeToken, type Token, TokenKinds, tokenize } from "./lexer.ts";
import { checkMetadataColumn } from "./metadata.ts";
import { type Column, type CreateTable, type DataType, MAX_LENGTH } from "./schema.ts";

/**
 * Parses one `CREATE TABLE` statement and checks its columns. Throws
 * `DdlSyntaxError` or `DdlError`; never returns a partial result.
 *
 * @example
 * const table = parseCreateTable("CREATE TABLE t (`id` BIGINT) WITH ('connector' = 'rocketmq')");
 * table.columns[0] // { kind: "physical", name: "id", type: { root: "BIGINT", nullable: true } }
 */
export function parseCreateTable(ddl: string): CreateTable {
  return new Parser(tokenize(ddl)).statement();
}

/** A data type before its nullability is known. */
type BaseType = DataType extends infer T ? (T extends DataType ? Omit<T, "nullable"> : never) : never;

/** Words that cannot be bare column names, because they start other table elements. */
const RESERVED_AT_ELEMENT = new Set(["PRIMARY", "CONSTRAINT", "WATERMARK", "LIKE", "PERIOD"]);

class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  statement(): CreateTable {
    this.#keyword("CREATE");
    this.#keyword("TABLE");
    let ifNotExists = false;
    if (this.#isKeyword("IF")) {
      this.#next();
      this.#keyword("NOT");
      this.#keyword("EXISTS");
      ifNotExists = true;
    }
    const name = this.#qualifiedName();
    this.#punct("(");
    const columns: Column[] = [];
    const primaryKey: { names: string[]; at: Token }[] = [];
    for (;;) {
      this.#element(columns, primaryKey);
      if (this.#isPunct(",")) { this.#next(); continue; }
      this.#expectPunct(")", "',' or ')'");
      break;
    }
    this.#keyword("WITH");
    const options = this.#options();
    if (this.#isPunct(";")) this.#next();
    if (this.#peek().kind !== TokenKinds.eof) this.#fail(this.#peek(), "end of statement");
    return finish(name, ifNotExists, columns, primaryKey, options);
  }

  // -------------------------------------------------------------------------
  // table elements

  #element(columns: Column[], primaryKey: { names: string[]; at: Token }[]): void {
    const start = this.#peek();
    if (this.#isKeyword("CONSTRAINT")) {
      this.#next();
      this.#identifier("a constraint name");
    }
    if (this.#isKeyword("PRIMARY")) {
      const at = this.#peek();
      this.#next();
      this.#keyword("KEY");
      this.#punct("(");
      const names = [this.#identifier("a column name")];
      while (this.#isPunct(",")) { this.#next(); names.push(this.#identifier("a column name")); }
      this.#punct(")");
      this.#notEnforced();
      primaryKey.push({ names, at });
      return;
    }
    if (start !== this.#peek()) this.#fail(this.#peek(), "'PRIMARY'");
    if (start.kind === TokenKinds.ident && RESERVED_AT_ELEMENT.has(start.value.toUpperCase())) {
      this.#fail(start, "a column definition");
    }
    const name = this.#identifier("a column definition");
    const type = this.#dataType();
    let column: Column;
    if (this.#isKeyword("METADATA")) {
      this.#next();
      let key = name;
      if (this.#isKeyword("FROM")) { this.#next(); key = this.#string("a metadata key string"); }
      let virtual = false;
      if (this.#isKeyword("VIRTUAL")) { this.#next(); virtual = true; }
      column = { kind: "metadata", name, type, key, virtual };
    } else {
      column = { kind: "physical", name, type };
      if (this.#isKeyword("PRIMARY")) {
        const at = this.#peek();
        this.#next();
        this.#keyword("KEY");
        this.#notEnforced();
        primaryKey.push({ names: [name], at });
      }
    }
    if (this.#isKeyword("COMMENT")) {
      this.#next();
      column = { ...column, comment: this.#string("a comment string") };
    }
    columns.push(column);
  }

  #notEnforced(): void {
    this.#keyword("NOT");
    this.#keyword("ENFORCED");
  }

  // -------------------------------------------------------------------------
  // types

  #dataType(): DataType {
    const base = this.#baseType();
    let nullable = true;
    if (this.#isKeyword("NOT") && this.#isKeywordAt(1, "NULL")) {
      this.#next(); this.#next();
      nullable = false;
    } else if (this.#isKeyword("NULL")) {
      this.#next();
    }
    return { ...base, nullable } as DataType;
  }

  #baseType(): BaseType {
    const token = this.#peek();
    if (token.kind !== TokenKinds.ident) this.#fail(token, "a data type");
    const word = token.value.toUpperCase();
    switch (word) {
      case "BOOLEAN": case "TINYINT": case "SMALLINT": case "BIGINT": case "FLOAT": case "DATE":
        this.#next();
        return { root: word };
      case "INT": case "INTEGER":
        this.#next();
        return { root: "INT" };
      case "DOUBLE":
        this.#next();
        if (this.#isKeyword("PRECISION")) this.#next();
        return { root: "DOUBLE" };
      case "DECIMAL": case "DEC": case "NUMERIC": {
        this.#next();
        let precision = 10;
        let scale = 0;
        if (this.#isPunct("(")) {
          this.#next();
          precision = this.#integer("a precision");
          const withScale = this.#isPunct(",");
          if (withScale) { this.#next(); scale = this.#integer("a scale"); }
          this.#expectPunct(")", withScale ? "')'" : "',' or ')'");
        }
        if (precision < 1 || precision > 38) throw new DdlError(`DECIMAL precision must be between 1 and 38, got ${precision} (line ${token.line}, column ${token.column})`);
        if (scale > precision) throw new DdlError(`DECIMAL scale must be between 0 and the precision ${precision}, got ${scale} (line ${token.line}, column ${token.column})`);
        return { root: "DECIMAL", precision, scale };
      }
      case "STRING":
        this.#next();
        return { root: "VARCHAR", length: MAX_LENGTH };
      case "BYTES":
        this.#next();
        return { root: "VARBINARY", length: MAX_LENGTH };
      case "VARCHAR": case "CHAR": case "VARBINARY": case "BINARY": {
        this.#next();
        const length = this.#optionalParameter("a length", 1);
        if (length < 1) throw new DdlError(`${word} length must be between 1 and ${MAX_LENGTH}, got ${length} (line ${token.line}, column ${token.column})`);
        return { root: word, length };
      }
      case "TIME": {
        this.#next();
        const precision = this.#precision(token, word, 0);
        if (this.#isKeyword("WITHOUT")) this.#withoutTimeZone();
        return { root: "TIME", precision };
      }
      case "TIMESTAMP": {
        this.#next();
        const precision = this.#precision(token, word, 6);
        if (this.#isKeyword("WITHOUT")) {
          this.#withoutTimeZone();
        } else if (this.#isKeyword("WITH")) {
          this.#next();
          this.#keyword("LOCAL");
          this.#keyword("TIME");
          this.#keyword("ZONE");
          return { root: "TIMESTAMP_LTZ", precision };
        }
        return { root: "TIMESTAMP", precision };
      }
      case "TIMESTAMP_LTZ": {
        this.#next();
        return { root: "TIMESTAMP_LTZ", precision: this.#precision(token, word, 6) };
      }
      case "MAP": {
        this.#next();
        this.#punct("<");
        const key = this.#dataType();
        this.#punct(",");
        const value = this.#dataType();
        this.#punct(">");
        return { root: "MAP", key, value };
      }
      default:
        return this.#fail(token, "a data type");
    }
  }

  #precision(at: Token, word: string, fallback: number): number {
    const precision = this.#optionalParameter("a precision", fallback);
    if (precision > 9) throw new DdlError(`${word} precision must be between 0 and 9, got ${precision} (line ${at.line}, column ${at.column})`);
    return precision;
  }

  #withoutTimeZone(): void {
    this.#keyword("WITHOUT");
    this.#keyword("TIME");
    this.#keyword("ZONE");
  }

  #optionalParameter(what: string, fallback: number): number {
    if (!this.#isPunct("(")) return fallback;
    this.#next();
    const value = this.#integer(what);
    this.#punct(")");
    return value;
  }

  #integer(what: string): number {
    const token = this.#peek();
    if (token.kind !== TokenKinds.number) this.#fail(token, what);
    const value = Number(token.value);
    if (!Number.isSafeInteger(value) || value > MAX_LENGTH) {
      throw new DdlError(`${what} must be at most ${MAX_LENGTH}, got ${token.value} (line ${token.line}, column ${token.column})`);
    }
    this.#next();
    return value;
  }

  // -------------------------------------------------------------------------
  // WITH options

  #options(): Record<string, string> {
    this.#punct("(");
    const options: Record<string, string> = {};
    for (;;) {
      const keyToken = this.#peek();
      const key = this.#string("an option key string");
      this.#punct("=");
      const value = this.#string("an option value string");
      if (Object.hasOwn(options, key)) {
        throw new DdlError(`option '${key}' is given twice (line ${keyToken.line}, column ${keyToken.column})`);
      }
      options[key] = value;
      if (this.#isPunct(",")) { this.#next(); continue; }
      this.#expectPunct(")", "',' or ')'");
      return options;
    }
  }

  // -------------------------------------------------------------------------
  // names and literals

  #qualifiedName(): string {
    const parts = [this.#identifier("a table name")];
    while (this.#isPunct(".") && parts.length < 3) {
      this.#next();
      parts.push(this.#identifier("a name after '.'"));
    }
    return parts.join(".");
  }

  #identifier(what: string): string {
    const token = this.#peek();
    if (token.kind !== TokenKinds.ident && token.kind !== TokenKinds.quoted) this.#fail(token, what);
    this.#next();
    return token.value;
  }

  #string(what: string): string {
    const token = this.#peek();
    if (token.kind !== TokenKinds.string) this.#fail(token, what);
    this.#next();
    return token.value;
  }

  // -------------------------------------------------------------------------
  // token helpers

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#pos + offset, this.#tokens.length - 1)]!;
  }

  #next(): void {
    if (this.#pos < this.#tokens.length - 1) this.#pos++;
  }

  #isKeyword(word: string): boolean {
    return this.#isKeywordAt(0, word);
  }

  #isKeywordAt(offset: number, word: string): boolean {
    const token = this.#peek(offset);
    return token.kind === TokenKinds.ident && token.value.toUpperCase() === word;
  }

  #isPunct(ch: string): boolean {
    const token = this.#peek();
    return token.kind === TokenKinds.punct && token.value === ch;
  }

  #keyword(word: string): void {
    if (!this.#isKeyword(word)) this.#fail(this.#peek(), `'${word}'`);
    this.#next();
  }

  #punct(ch: string): void {
    this.#expectPunct(ch, `'${ch}'`);
  }

  #expectPunct(ch: string, expected: string): void {
    if (!this.#isPunct(ch)) this.#fail(this.#peek(), expected);
    this.#next();
  }

  #fail(token: Token, expected: string): never {
    throw new DdlSyntaxError(token.line, token.column, expected, describeToken(token));
  }
}

// ---------------------------------------------------------------------------
// checks on the whole table

function finish(
  name: string,
  ifNotExists: boolean,
  declared: Column[],
  primaryKeys: { names: string[]; at: Token }[],
  options: Record<string, string>,
): CreateTable {
  const byName = new Map<string, Column>();
  for (const column of declared) {
    if (byName.has(column.name)) throw new DdlError(`column '${column.name}' is declared twice`, column.name);
    byName.set(column.name, column);
    checkTypeParameters(column.name, column.type);
    if (column.kind === "metadata") checkMetadataColumn(column);
  }
  if (primaryKeys.length > 1) {
    const at = primaryKeys[1]!.at;
    throw new DdlError(`a table has at most one primary key; another starts at line ${at.line}, column ${at.column}`);
  }
  const primaryKey = primaryKeys[0]?.names ?? [];
  for (const [i, key] of primaryKey.entries()) {
    const column = byName.get(key);
    if (column === undefined) throw new DdlError(`primary key column '${key}' is not a column of the table`, key);
    if (column.kind !== "physical") throw new DdlError(`primary key column '${key}' must be a physical column, not METADATA`, key);
    if (primaryKey.indexOf(key) !== i) throw new DdlError(`primary key column '${key}' is listed twice`, key);
  }
  // As in Flink, primary key columns are NOT NULL.
  const columns = declared.map((c) =>
    primaryKey.includes(c.name) && c.type.nullable ? { ...c, type: { ...c.type, nullable: false } } : c);
  return { name, ifNotExists, columns, primaryKey, options };
}

function checkTypeParameters(column: string, type: DataType): void {
  if (type.root !== "MAP") return;
  const { key, value } = type;
  // Only the string map is supported: it is what message properties are.
  if (key.root !== "VARCHAR" || key.length !== MAX_LENGTH || value.root !== "VARCHAR" || value.length !== MAX_LENGTH) {
    throw new DdlError(`column '${column}': only MAP<STRING, STRING> is supported`, column);
  }
}
