/**
 * What a deserializer may know about a record besides its bytes: where it
 * came from and what the producer attached to it. The source fills it from
 * the pulled message; deserializers read it (to route on a tag, to stamp an
 * event with its store time) but never need it to decode.
 */
export interface RecordMetadata {
  readonly topic: string;
  /** The `TAGS` property, if the producer set one. */
  readonly tags?: string;
  /** The `KEYS` property split on spaces, if the producer set any. */
  readonly keys?: readonly string[];
  readonly brokerName: string;
  readonly queueId: number;
  /** Position in the consume queue: what pull offsets and checkpoints count. */
  readonly queueOffset: number;
  /** The id Java shows: the producer's `UNIQ_KEY` when present, else the broker's offset id. */
  readonly msgId: string;
  /** Epoch milliseconds when the producer created the message. */
  readonly bornTimestamp: number;
  /** Epoch milliseconds when the broker stored it. */
  readonly storeTimestamp: number;
  /** System and user properties as stored. */
  readonly properties: Readonly<Record<string, string>>;
}
