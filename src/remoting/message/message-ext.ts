import type { ProtocolError } from "../../errors.ts";

/**
 * A message as a broker stores it and a pull returns it: the decoded form of
 * one entry of the commit log, with the ids the Java client derives from it.
 */
export interface MessageExt {
  readonly topic: string;
  readonly queueId: number;
  /** Position of the message in its consume queue (what pull offsets count). */
  readonly queueOffset: number;
  /** Byte position of the message in the broker's commit log. */
  readonly commitLogOffset: number;
  /**
   * System flags as stored, except that the compressed bit (0x1) is cleared
   * once the body has been inflated, as the Java client does.
   */
  readonly sysFlag: number;
  /** The producer's application flag. */
  readonly flag: number;
  /** CRC32 of the stored body (top bit cleared), as the broker computed it. */
  readonly bodyCRC: number;
  /** Epoch milliseconds when the producer created the message. */
  readonly bornTimestamp: number;
  /** Epoch milliseconds when the broker stored it. */
  readonly storeTimestamp: number;
  /** Producer address, `"a.b.c.d:port"` or `"[v6::addr]:port"`. */
  readonly bornHost: string;
  /** Broker address that stored it, same format as `bornHost`. */
  readonly storeHost: string;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  /** The payload, uncompressed. A view into the pulled bytes when it was not compressed. */
  readonly body: Uint8Array;
  /** System and user properties (`TAGS`, `KEYS`, `UNIQ_KEY`, ... and your own). */
  readonly properties: Record<string, string>;
  /** The `TAGS` property, if any. */
  readonly tags?: string;
  /** The `KEYS` property split on spaces (empty when absent). */
  readonly keys: string[];
  /** The id Java shows: the producer's `UNIQ_KEY` when present, else `offsetMsgId`. */
  readonly msgId: string;
  /** Broker-formed id: hex of store host address, port and commit-log offset. */
  readonly offsetMsgId: string;
  /** For transactional half messages (`TRAN_MSG=true`): the `UNIQ_KEY`. */
  readonly transactionId?: string;
  /**
   * Set when the body could not be decoded (unknown codec, corrupt or
   * oversized compressed data, an inner batch that does not add up). `body`
   * and `sysFlag` are then exactly as stored (still compressed, compressed
   * bit set), so the message can be inspected, dead-lettered or recovered.
   */
  readonly decodeError?: ProtocolError;
}
