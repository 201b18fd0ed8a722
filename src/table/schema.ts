/**
 * The parsed table: columns with their SQL types, the primary key, the WITH
 * options. Plain data, so it can be logged, compared and built by hand.
 */

// ---------------------------------------------------------------------------
// model

/** Largest length of `STRING` (= `VARCHAR(MAX)`) and `BYTES` (= `VARBINARY(MAX)`), as in Flink. */
export const MAX_LENGTH = 2147483647;

export type DataType =
  | { readonly root: "BOOLEAN"; readonly nullable: boolean }
  | { readonly root: "TINYINT"; readonly nullable: boolean }
  | { readonly root: "SMALLINT"; readonly nullable: boolean }
  | { readonly root: "INT"; readonly nullable: boolean }
  | { readonly root: "BIGINT"; readonly nullable: boolean }
  | { readonly root: "FLOAT"; readonly nullable: boolean }
  | { readonly root: "DOUBLE"; readonly nullable: boolean }
  | { readonly root: "DECIMAL"; readonly precision: number; readonly scale: number; readonly nullable: boolean }
  | { readonly root: "CHAR"; readonly length: number; readonly nullable: boolean }
  /** `STRING` is `VARCHAR(2147483647)`. */
  | { readonly root: "VARCHAR"; readonly length: number; readonly nullable: boolean }
  | { readonly root: "BINARY"; readonly length: number; readonly nullable: boolean }
  /** `BYTES` is `VARBINARY(2147483647)`. */
  | { readonly root: "VARBINARY"; readonly length: number; readonly nullable: boolean }
  | { readonly root: "DATE"; readonly nullable: boolean }
  | { readonly root: "TIME"; readonly precision: number; readonly nullable: boolean }
  | { readonly root: "TIMESTAMP"; readonly precision: number; readonly nullable: boolean }
  | { readonly root: "TIMESTAMP_LTZ"; readonly precision: number; readonly nullable: boolean }
  | { readonly root: "MAP"; readonly key: DataType; readonly value: DataType; readonly nullable: boolean };

export type TypeRoot = DataType["root"];

/** A column stored in the message body. */
export interface PhysicalColumn {
  readonly kind: "physical";
  readonly name: string;
  readonly type: DataType;
  readonly comment?: string;
}

/** A column read from (or written to) the message's metadata: topic, tag, keys, ... */
export interface MetadataColumn {
  readonly kind: "metadata";
  readonly name: string;
  readonly type: DataType;
  /** The metadata key: `FROM 'key'`, else the column name. */
  readonly key: string;
  /** `VIRTUAL`: read on a source, never written by a sink. */
  readonly virtual: boolean;
  readonly comment?: string;
}

export type Column = PhysicalColumn | MetadataColumn;

export interface CreateTable {
  /** The table name; a qualified name keeps its dots: `catalog.db.t`. */
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly columns: readonly Column[];
  /** `PRIMARY KEY (...) NOT ENFORCED` columns, or empty. Recorded only: it does not change reading or writing. */
  readonly primaryKey: readonly string[];
  /** WITH options as written, in order. */
  readonly options: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------
// rendering

/**
 * The type as Flink prints it.
 *
 * @example typeToString({ root: "DECIMAL", precision: 10, scale: 2, nullable: false }) // "DECIMAL(10, 2) NOT NULL"
 */
export function typeToString(type: DataType): string {
  const suffix = type.nullable ? "" : " NOT NULL";
  switch (type.root) {
    case "DECIMAL": return `DECIMAL(${type.precision}, ${type.scale})${suffix}`;
    case "VARCHAR": return (type.length === MAX_LENGTH ? "STRING" : `VARCHAR(${type.length})`) + suffix;
    case "VARBINARY": return (type.length === MAX_LENGTH ? "BYTES" : `VARBINARY(${type.length})`) + suffix;
    case "CHAR":
    case "BINARY": return `${type.root}(${type.length})${suffix}`;
    case "TIME":
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ": return `${type.root}(${type.precision})${suffix}`;
    case "MAP": return `MAP<${typeToString(type.key)}, ${typeToString(type.value)}>${suffix}`;
    default: return type.root + suffix;
  }
}

/** The physical columns, in declaration order: the fields of the message body. */
export function physicalColumns(table: CreateTable): PhysicalColumn[] {
  return table.columns.filter((c): c is PhysicalColumn => c.kind === "physical");
}

/** The metadata columns, in declaration order. */
export function metadataColumns(table: CreateTable): MetadataColumn[] {
  return table.columns.filter((c): c is MetadataColumn => c.kind === "metadata");
}
