/**
 * `tableSource(ddl)`: a table declared with `'connector' = 'rocketmq'` becomes
 * a stream of row objects, read by a `RocketMQSource` of the table's topic.
 *
 * What the DDL's options become:
 *
 * | DDL option                                   | source                                            |
 * |----------------------------------------------|---------------------------------------------------|
 * | `topic`, `consumerGroup`, `nameServerAddress` | the same source options                          |
 * | `tag`, `sql`                                 | the pull subscription (SQL92 wins, as in the source) |
 * | `accessKey`, `secretKey`                     | ACL on every request                              |
 * | `scanStartupMode` `earliest`/`latest`/`group-offsets`/`timestamp` + `offsetFromTimestamp` | `StartFrom.earliest()` / `latest()` / `groupOffsets()` / `timestamp(ms)` |
 * | `startTimeMs`, `startTime` (+ `timeZone`)    | `StartFrom.timestamp(ms)`                         |
 * | `startMessageOffset`                         | every queue of the topic from that offset (`StartFrom.specificOffsets`) |
 * | none of these                                | `StartFrom.latest()`, the connector's default     |
 * | `endTime`                                    | messages stored after it give no rows             |
 * | `consumer.timeout`                           | `longPollingMs` (how long a pull waits for messages) |
 * | `partitionDiscoveryIntervalMs` (> 0)         | `rebalanceIntervalMs` (routes re-read, queues re-allocated) |
 * | `json.ignore-parse-errors`, `lengthCheck` `SKIP`/`SKIP_SILENT` | decode policy `skip` (else `fail`) |
 *
 * `useNewApi` and `columnErrorDebug` are accepted and have no effect: there
 * is one reader here, and every decode error names its column anyway.
 *
 * Chunks are the source's batches: one `SourceRecord` per message, whose
 * `value` is that message's rows (a delimited body may hold several lines;
 * an empty body or a message past `endTime` holds none). Records keep their
 * queue and offset, so checkpointed pipelines work as with `RocketMQSource`.
 * `rows()` is the per-row form.
 *
 * A row that cannot be decoded is a `DecodeFailedError` whose `field` is the
 * column (`value` for the body as a whole), under the decode policy.
 */
import * as E from "fp-ts/lib/Either.js";
import type { Checkpointing } from "../offsets/checkpoint.ts";
import type { Batch } from "../offsets/flow.ts";
import { queueKey } from "../offsets/message-queue.ts";
import { RocketMQSource, type SourceLogEntry } from "../readable/rocketmq-source.ts";
import type { SourceRecord } from "../readable/source-record.ts";
import { parseSourceOptions } from "../readable/source-options.ts";
import { StartFrom, type StartStrategy } from "../readable/start-strategy.ts";
import { RemotingClient } from "../remoting/client.ts";
import { userProperties } from "../remoting/message/properties.ts";
import type { DecodeError } from "../serde/decode-error.ts";
import type { DecodeFailurePolicy } from "../serde/decode-policy.ts";
import type { KeyValueDeserializationSchema } from "../serde/schema.ts";
import type { RecordMetadata } from "../serde/record-metadata.ts";
import type { IncomingMessage } from "./metadata.ts";
import { type StartMode, type TableSourceConfig, tableSourceConfig } from "./options.ts";
import { parseCreateTable } from "./parser.ts";
import { type TableRowDecoder, tableRowDecoder } from "./row-codec.ts";
import type { CreateTable } from "./schema.ts";
import type { Row } from "./sql-values.ts";

export { userProperties };

export interface TableSourceInit {
  /** Overrides the DDL's `nameServerAddress` (e.g. a test cluster). */
  readonly nameServerAddress?: string;
  /** Overrides the DDL's `consumerGroup`. */
  readonly consumerGroup?: string;
  /** Overrides the start options of the DDL. */
  readonly start?: StartStrategy;
  /** Default: `skip` when the DDL asks to ignore bad rows (see above), else `fail`. */
  readonly decodeFailurePolicy?: DecodeFailurePolicy;
  /** Needed by the `dead-letter` policy. */
  readonly deadLetterTopic?: string;
  /**
   * Any other source option, camelCase or as the seed's Properties keys
   * (`batchSize`, `parallelism`, `offsetPersistIntervalMs`, ...). They win
   * over what the DDL gives.
   */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly checkpoint?: Checkpointing;
  readonly signal?: AbortSignal;
  readonly onLog?: (entry: SourceLogEntry) => void;
  /** Batches queued before the consumer reads (see `RocketMQSourceInit.highWaterMark`). */
  readonly highWaterMark?: number;
}

/**
 * A table's rows as a `ReadableStream` of record batches (one record per
 * message, its `value` the message's rows). `R` is the row type the caller
 * expects; rows are checked against the DDL's columns at runtime either way.
 */
export class TableSource<R extends Row = Row> extends ReadableStream<Batch<SourceRecord<R[]>>> {
  readonly table: CreateTable;
  readonly config: TableSourceConfig;
  readonly decoder: TableRowDecoder;
  readonly #source: Promise<RocketMQSource<R[]>>;
  #reader: ReadableStreamDefaultReader<Batch<SourceRecord<R[]>>> | undefined;

  constructor(table: CreateTable, config: TableSourceConfig, init: TableSourceInit = {}) {
    const decoder = tableRowDecoder(table, config.format);
    const schema = tableRowDeserializer<R>(decoder, config.stopTimeMs);
    // bad options fail here, not at the first read
    const options = tableSourceOptions(config, init);
    const { nameServerAddress } = parseSourceOptions(options);
    const create = async (): Promise<RocketMQSource<R[]>> => {
      const start = init.start ?? await startStrategy(config, nameServerAddress);
      return new RocketMQSource<R[]>({
        schema,
        options,
        start,
        ...(init.checkpoint === undefined ? {} : { checkpoint: init.checkpoint }),
        ...(init.signal === undefined ? {} : { signal: init.signal }),
        ...(init.onLog === undefined ? {} : { onLog: init.onLog }),
        ...(init.highWaterMark === undefined ? {} : { highWaterMark: init.highWaterMark }),
      });
    };
    let sourcePromise!: Promise<RocketMQSource<R[]>>;
    super({
      start: () => {
        sourcePromise = create();
        // a setup failure errors the stream on the first read; keep it from being unhandled here
        sourcePromise.catch(() => undefined);
      },
      pull: async (controller) => {
        const reader = await this.#getReader();
        const r = await reader.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: async (reason) => {
        const source = await this.#source.catch(() => undefined);
        if (source === undefined) return;
        await (this.#reader ?? source).cancel(reason);
      },
    }, { highWaterMark: 0 });
    this.#source = sourcePromise;
    this.table = table;
    this.config = config;
    this.decoder = decoder;
  }

  /** The underlying source (stats, assignment, client ids), once created. */
  source(): Promise<RocketMQSource<R[]>> {
    return this.#source;
  }

  /**
   * Resolves once the source has joined its group and positioned every
   * queue it reads: rows written from then on are read, even with the
   * default `latest` start.
   */
  async assigned(): Promise<void> {
    const source = await this.#source;
    await source.rebalance();
  }

  /** One row per chunk (the rows of every message, in order). */
  rows(): ReadableStream<R> {
    return this.pipeThrough(new TransformStream<Batch<SourceRecord<R[]>>, R>({
      transform(batch, controller) {
        for (const record of batch.records) for (const row of record.value) controller.enqueue(row);
      },
    }));
  }

  async #getReader(): Promise<ReadableStreamDefaultReader<Batch<SourceRecord<R[]>>>> {
    if (this.#reader === undefined) {
      const source = await this.#source;
      this.#reader ??= source.getReader();
    }
    return this.#reader;
  }
}

/**
 * A source of the table `ddl` declares. Throws `DdlSyntaxError` / `DdlError`
 * / `ConfigError` for a DDL or options it cannot use.
 *
 * @example
 * const orders = tableSource(`CREATE TABLE rocketmq_source (user_id BIGINT, item_id BIGINT, behavior STRING,
 *     topic STRING NOT NULL METADATA VIRTUAL)
 *   WITH ('connector' = 'rocketmq', 'topic' = 'user_behavior', 'consumerGroup' = 'g',
 *     'nameServerAddress' = '127.0.0.1:9876', 'scanStartupMode' = 'earliest')`);
 * for await (const row of orders.rows()) console.log(row.user_id, row.behavior, row.topic);
 */
export function tableSource<R extends Row = Row>(ddl: string, init: TableSourceInit = {}): TableSource<R> {
  const table = parseCreateTable(ddl);
  return new TableSource<R>(table, tableSourceConfig(table), init);
}

// ---------------------------------------------------------------------------
// helpers

/** The start strategy the DDL's start options describe. */
export async function startStrategy(config: TableSourceConfig, nameServerAddress: string = config.nameServerAddress): Promise<StartStrategy> {
  const mode: StartMode = config.startMode;
  switch (mode.mode) {
    case "earliest": return StartFrom.earliest();
    case "latest": return StartFrom.latest();
    case "group-offsets": return StartFrom.groupOffsets();
    case "timestamp": return StartFrom.timestamp(mode.timestampMs);
    case "offset": {
      // one offset for every queue: the queues come from the topic's route
      const client = new RemotingClient({
        nameServerAddress,
        ...(config.accessKey !== undefined && config.secretKey !== undefined ? { accessKey: config.accessKey, secretKey: config.secretKey } : {}),
      });
      try {
        const queues = await client.readableQueues(config.topic);
        return StartFrom.specificOffsets(new Map(queues.map((q) => [queueKey(q), mode.offset])));
      } finally {
        await client.close();
      }
    }
  }
}

/**
 * The `RocketMQSource` options a table's configuration gives (see the table
 * at the top), with `init`'s overrides and extra options applied.
 */
export function tableSourceOptions(config: TableSourceConfig, init: TableSourceInit = {}): Record<string, unknown> {
  const skip = (config.format.kind === "json" && config.format.ignoreParseErrors)
    || (config.format.kind === "delimited" && (config.format.lengthCheck === "SKIP" || config.format.lengthCheck === "SKIP_SILENT"));
  return {
    nameServerAddress: init.nameServerAddress ?? config.nameServerAddress,
    consumerGroup: init.consumerGroup ?? config.consumerGroup,
    topic: config.topic,
    ...(config.tag === undefined ? {} : { tag: config.tag }),
    ...(config.sql === undefined ? {} : { sql: config.sql }),
    ...(config.accessKey !== undefined && config.secretKey !== undefined ? { accessKey: config.accessKey, secretKey: config.secretKey } : {}),
    longPollingMs: config.pollTimeoutMs,
    ...(config.partitionDiscoveryIntervalMs > 0 ? { rebalanceIntervalMs: config.partitionDiscoveryIntervalMs } : {}),
    decodeFailurePolicy: init.decodeFailurePolicy ?? (skip ? "skip" : "fail"),
    ...(init.deadLetterTopic === undefined ? {} : { deadLetterTopic: init.deadLetterTopic }),
    ...init.options,
  };
}

export function tableRowDeserializer<R extends Row = Row>(decoder: TableRowDecoder, stopTimeMs?: number): KeyValueDeserializationSchema<R[]> {
  return {
    deserialize: (_key, body, meta: RecordMetadata) => {
      if (stopTimeMs !== undefined && meta.storeTimestamp > stopTimeMs) return E.right([]);
      const message: IncomingMessage = {
        body,
        topic: meta.topic,
        ...(meta.tags === undefined ? {} : { tags: meta.tags }),
        ...(meta.keys === undefined ? {} : { keys: meta.keys }),
        queueId: meta.queueId,
        queueOffset: meta.queueOffset,
        msgId: meta.msgId,
        bornTimestamp: meta.bornTimestamp,
        storeTimestamp: meta.storeTimestamp,
        properties: userProperties(meta.properties),
      };
      return decoder.decode(message) as E.Either<DecodeError, R[]>;
    },
  };
}
