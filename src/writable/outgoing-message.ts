/**
 * The message a sink sends: what a user builds by hand (the seed's processor
 * builds `Message` objects), or what a serializer + topic selector produce.
 * What makes one acceptable is `validateOutgoingMessage` (message-rules.ts).
 */
export interface OutgoingMessage {
  readonly topic: string;
  readonly body: Uint8Array;
  readonly tags?: string;
  readonly keys?: readonly string[];
  /** User properties; the rules they must follow are in message-rules.ts (names RocketMQ reserves are refused). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Delay level 1..18 of the broker's `messageDelayLevel` table (remoting transport). */
  readonly delayLevel?: number;
  /** Absolute delivery time in epoch ms (5.x timer messages). */
  readonly deliveryTimestamp?: number;
  /** FIFO: messages with the same key go to the same queue, in send order. */
  readonly shardingKey?: string;
}

/** What the broker said about a stored message. Queue fields are absent where a transport can't know them. */
export interface SendReceipt {
  readonly msgId: string;
  readonly topic: string;
  readonly brokerName?: string;
  readonly queueId?: number;
  readonly queueOffset?: number;
}
