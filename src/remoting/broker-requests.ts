/**
 * Requests brokers send to clients on the same connection, and how this
 * client answers them. Codes without a handler are answered
 * REQUEST_CODE_NOT_SUPPORTED (when the broker expects an answer at all).
 */
import { createResponse, type RemotingCommand } from "./command.ts";
import type { IncomingRequestHandler } from "./connection.ts";
import type { RemotingInvoker } from "./connection-pool.ts";
import { endTransaction, type TransactionState } from "./broker-send.ts";
import { decodeMessages, MessageConst, type MessageExt } from "./message/mod.ts";
import { RequestCode, ResponseCode } from "./request-codes.ts";

/** The broker asks whether a half message should be committed. */
export interface TransactionCheck {
  /** The broker that asked (the answer goes there). */
  readonly brokerAddress: string;
  readonly topic: string;
  readonly producerGroup: string;
  readonly tranStateTableOffset: number;
  readonly commitLogOffset: number;
  /** The half message's client id (UNIQ_KEY). */
  readonly msgId: string;
  readonly transactionId: string;
  readonly offsetMsgId?: string;
  readonly message: MessageExt;
}

export interface BrokerRequestHandlers {
  /**
   * Answer a transaction check: the client sends END_TRANSACTION with the
   * state returned (UNKNOWN lets the broker ask again later). Without a
   * handler the check goes unanswered and the broker asks again later.
   */
  readonly checkTransactionState?: (check: TransactionCheck) => TransactionState | Promise<TransactionState>;
  /** A consumer group's membership changed on `brokerAddress`: rebalance. */
  readonly consumerIdsChanged?: (consumerGroup: string, brokerAddress: string) => void;
  /** A handler failed; nothing else would hear of it (these requests are oneway). */
  readonly onError?: (error: unknown) => void;
}

/**
 * @example
 * const pool = new ConnectionPool({ onRequest: brokerRequestHandler(() => pool, { consumerIdsChanged: rebalance }) });
 */
export function brokerRequestHandler(invoker: () => RemotingInvoker, handlers: BrokerRequestHandlers): IncomingRequestHandler {
  return async (request, connection) => {
    switch (request.code) {
      case RequestCode.CHECK_TRANSACTION_STATE:
        if (!handlers.checkTransactionState) return undefined;
        await answerTransactionCheck(invoker(), connection.address, request, handlers.checkTransactionState);
        return createResponse(request, ResponseCode.SUCCESS);
      case RequestCode.NOTIFY_CONSUMER_IDS_CHANGED: {
        const group = request.extFields.consumerGroup;
        if (!handlers.consumerIdsChanged || group === undefined) return undefined;
        handlers.consumerIdsChanged(group, connection.address);
        return createResponse(request, ResponseCode.SUCCESS);
      }
      default:
        return undefined;
    }
  };
}

async function answerTransactionCheck(
  invoker: RemotingInvoker,
  brokerAddress: string,
  request: RemotingCommand,
  decide: NonNullable<BrokerRequestHandlers["checkTransactionState"]>,
): Promise<void> {
  const [message] = decodeMessages(request.body ?? new Uint8Array(0));
  if (!message) return;
  const h = request.extFields;
  const msgId = message.properties[MessageConst.UNIQ_KEY] ?? h.msgId ?? message.msgId;
  const check: TransactionCheck = {
    brokerAddress,
    topic: message.topic,
    producerGroup: message.properties[MessageConst.PGROUP] ?? "",
    tranStateTableOffset: Number(h.tranStateTableOffset ?? message.queueOffset),
    commitLogOffset: Number(h.commitLogOffset ?? message.commitLogOffset),
    msgId,
    transactionId: h.transactionId ?? msgId,
    ...(h.offsetMsgId === undefined ? {} : { offsetMsgId: h.offsetMsgId }),
    message,
  };
  const state = await decide(check);
  await endTransaction(invoker, brokerAddress, { ...check, state, fromTransactionCheck: true });
}
