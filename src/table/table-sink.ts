/**
 * `tableSink(ddl)`: a table declared with `'connector' = 'rocketmq'` becomes
 * a sink of row objects. Rows are checked by the table's io-ts row codec and
 * written in the table's format (delimited text by default, or JSON); the
 * writable metadata columns (tag, keys) set those message fields. A row the
 * codec refuses fails its write with an `EncodeFailedError` naming the column.
 * `R` is the row type the caller writes; the codec checks it at runtime.
 */
import * as E from "fp-ts/lib/Either.js";
import { toEncodeFailedError } from "../serde/decode-error.ts";
import { RemotingProducerTransport } from "../writable/remoting-producer-transport.ts";
import type { SendReceipt } from "../writable/outgoing-message.ts";
import { RocketMQSink } from "../writable/rocketmq-sink.ts";
import { tableSinkConfig } from "./options.ts";
import { parseCreateTable } from "./parser.ts";
import { tableRowEncoder } from "./row-codec.ts";
import type { Row } from "./sql-values.ts";

export interface TableSinkInit {
  /** Overrides the DDL's `nameServerAddress` (e.g. a test cluster). */
  readonly nameServerAddress?: string;
  readonly sendTimeoutMs?: number;
  /** Called with every broker acknowledgement (msgId, queue, offset); must not throw. */
  readonly onAck?: (receipt: SendReceipt) => void;
}

/**
 * @example
 * const sink = tableSink(`CREATE TABLE rocketmq_sink (user_id BIGINT, item_id BIGINT, behavior STRING)
 *   WITH ('connector' = 'rocketmq', 'topic' = 'user_behavior', 'produceGroup' = 'g', 'nameServerAddress' = '127.0.0.1:9876')`);
 * await rows.pipeTo(sink.writable());
 */
export function tableSink<R extends Row = Row>(ddl: string, init: TableSinkInit = {}): RocketMQSink<R> {
  const table = parseCreateTable(ddl);
  const config = tableSinkConfig(table);
  const encoder = tableRowEncoder(table, config);
  const transport = new RemotingProducerTransport({
    nameServerAddress: init.nameServerAddress ?? config.nameServerAddress,
    producerGroup: config.producerGroup,
    retryTimes: config.retryTimes,
    ...(init.sendTimeoutMs !== undefined ? { sendTimeoutMs: init.sendTimeoutMs } : {}),
    ...(config.accessKey !== undefined && config.secretKey !== undefined
      ? { accessKey: config.accessKey, secretKey: config.secretKey } : {}),
  });
  return new RocketMQSink<R>({
    transport,
    ...(init.onAck === undefined ? {} : { onAck: init.onAck }),
    toMessage: (row) => {
      const encoded = encoder.encode(row);
      if (E.isLeft(encoded)) throw toEncodeFailedError(encoded.left);
      const m = encoded.right;
      return {
        topic: m.topic ?? config.topic,
        body: m.body,
        ...(m.tags !== undefined ? { tags: m.tags } : {}),
        ...(m.keys !== undefined && m.keys.length > 0 ? { keys: m.keys } : {}),
      };
    },
  });
}
