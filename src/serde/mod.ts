/**
 * Key/value (de)serialization: typeclasses, combinators and instances.
 * Explicit allow-list: values first, then types.
 */
export {
  contramap,
  DeserializerFunctor,
  DeserializerURI,
  flatMapEither,
  fromValueDecoder,
  fromValueEncoder,
  map,
  SerializerContravariant,
  SerializerURI,
} from "./schema.ts";
export {
  decodeError,
  encodeError,
  preview,
  toDecodeFailedError,
  toEncodeFailedError,
} from "./decode-error.ts";
export {
  BytesDeserializationSchema,
  BytesSerializationSchema,
  decodeUtf8,
  encodeUtf8,
  encodeUtf8Strict,
  SimpleStringDeserializationSchema,
  SimpleStringSerializationSchema,
  Utf8DeserializationSchema,
  Utf8SerializationSchema,
} from "./bytes.ts";
export {
  DEFAULT_KEY_FIELD,
  DEFAULT_VALUE_FIELD,
  SimpleKeyValueDeserializationSchema,
  SimpleKeyValueSerializationSchema,
} from "./simple-key-value.ts";
export { ioTsDecodeError, JsonDeserializationSchema, JsonSerializationSchema, parseJson } from "./json.ts";
export {
  CSV,
  DelimitedRowDeserializationSchema,
  DelimitedRowSerializationSchema,
  delimitedFormat,
  formatDelimitedRow,
  parseDelimitedRow,
} from "./delimited.ts";
export { applyDecodePolicy, decodeBatch, DecodeFailurePolicies, DecodeFailurePolicyCodec } from "./decode-policy.ts";
export { assertDeserializationSchema, assertSerializationSchema } from "./assert-schema.ts";

export type { KeyValueDeserializationSchema, KeyValueSerializationSchema, SerializedRecord } from "./schema.ts";
export type { RecordMetadata } from "./record-metadata.ts";
export type { DecodeError, EncodeError } from "./decode-error.ts";
export type { KeyValueMap } from "./simple-key-value.ts";
export type { DelimitedFormat, DelimitedOptions, DelimitedRow } from "./delimited.ts";
export type { DecodedBatch, DecodeFailure, DecodeFailurePolicy, DecodePolicyHooks } from "./decode-policy.ts";
