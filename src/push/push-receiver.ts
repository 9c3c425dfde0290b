import { Logger } from '@nestjs/common';
import { MessageClient } from '../api/clients/message.client.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { pooledRandomBytes } from '../common/random-pool.js';
import {
  type LateWeChatReply,
  type ResolvedPushOptions,
  type ResolvedWeChatOptions,
} from '../options/wechat-module-options.interface.js';
import { PushCipher } from './push-cipher.js';
import {
  openPush,
  type OpenedPush,
  type PushBody,
  type PushEnvelopeSettings,
  PushRejection,
  verifyPushUrl,
} from './push-envelope.js';
import { type PushHandlerLookup } from './push-handler.directory.js';
import { type WeChatPush } from './push-message.types.js';
import { pushReplyOf, describePush } from './push-reply.result.js';
import {
  renderEncryptedReply,
  renderReplyJson,
  renderReplyXml,
  type WeChatReplyMessage,
} from './push-reply.js';
import { deliverLateReply } from './late-reply.js';
import { PushDeliveries, WECHAT_TRIES, WECHAT_TRY_MS } from './push-deliveries.js';
import { pushKey } from './push-key.js';
import { PushLedger, type PushOutcome } from './push-ledger.js';

/** What the endpoint sends back; `release`: nothing, the connection is closed (WeChat retries). */
export interface PushAnswer {
  status: number;
  contentType: string;
  body: string;
  release?: true;
}

// wechat-push.md section 5: "success" (or nothing) tells WeChat the push arrived, with no reply.
const SUCCESS: PushAnswer = {
  status: 200,
  contentType: 'text/plain; charset=utf-8',
  body: 'success',
};
const RELEASE: PushAnswer = { ...SUCCESS, body: '', release: true };
// A claim's lease: a holder that dies lets go this long after its last extension, before the next
// try (5 s after the last) arrives.
const CLAIM_LEASE_MS = 3000;

/**
 * Receives what WeChat pushes to one account: verifies it, hands it to the handler that
 * subscribes to it (once for a push and its retries), and turns the handler's return value into
 * the passive reply.
 */
export class PushReceiver {
  private readonly logger = new Logger('WeChat:push');
  private readonly settings: PushEnvelopeSettings;
  private readonly deliveries: PushDeliveries;
  private readonly push: ResolvedPushOptions;

  /**
   * `handlers`: the handlers this account's pushes go to, once they are found; `account`: what
   * a handler gets as its second argument (the `WeChatAccount`).
   */
  constructor(
    private readonly options: ResolvedWeChatOptions & { push: ResolvedPushOptions },
    store: CredentialStore,
    private readonly messages: MessageClient,
    private readonly handlers: () => PushHandlerLookup,
    private readonly account: unknown,
  ) {
    const push = options.push;
    this.push = push;
    const keys = [push.encodingAESKey, push.previousEncodingAESKey];
    this.settings = {
      appId: options.appId,
      token: push.token,
      ciphers: keys.filter((key) => key !== undefined).map((key) => new PushCipher(key)),
      requireEncryption: push.requireEncryption,
    };
    const ledger = new PushLedger(
      options.appId,
      store,
      options.clock,
      push.retryWindowSeconds * 1000,
      this.logger,
    );
    this.deliveries = new PushDeliveries(
      ledger,
      {
        marginMs: push.replyMarginMs,
        leaseMs: CLAIM_LEASE_MS,
        lastTryMs: (WECHAT_TRIES - 1) * WECHAT_TRY_MS + push.replyMarginMs,
        maxInFlight: push.maxHandlersInFlight,
      },
      this.logger,
    );
  }

  /** The largest body this account takes, in bytes. */
  get bodyLimitBytes(): number {
    return this.push.bodyLimitBytes;
  }

  /** Stops answering retries of pushes in flight (shutdown, or the account removed). */
  close(): void {
    this.deliveries.close();
  }

  /** WeChat's URL verification (GET). */
  verify(query: Record<string, unknown>): PushAnswer {
    try {
      return { ...SUCCESS, body: verifyPushUrl(query, this.settings.token) };
    } catch (error) {
      return rejectionAnswer(error);
    }
  }

  /** A pushed message or event (POST). Never rejects: every failure is an answer. */
  async receive(query: Record<string, unknown>, body: PushBody): Promise<PushAnswer> {
    let opened: OpenedPush;
    try {
      opened = openPush(query, body, this.settings);
    } catch (error) {
      return rejectionAnswer(error);
    }
    const { push } = opened;
    const answer = await this.deliveries.answerTry(
      pushKey(this.settings.appId, push),
      async (): Promise<PushOutcome> => ({ reply: await this.dispatch(push) }),
      (outcome) => void this.deliverLate({ push, reply: outcome.reply, reason: 'late' }),
    );
    if ('release' in answer) return RELEASE;
    if ('overloaded' in answer) {
      void this.deliverLate({ push, reason: 'overloaded' });
      return SUCCESS;
    }
    const reply = answer.outcome.reply;
    return reply === undefined ? SUCCESS : this.render(opened, reply);
  }

  private deliverLate(late: LateWeChatReply): Promise<void> {
    const push = this.push;
    return deliverLateReply(
      late,
      push,
      (message) => this.messages.sendCustom(message),
      this.logger,
    );
  }

  private async dispatch(push: WeChatPush): Promise<WeChatReplyMessage | undefined> {
    const handler = this.handlers().find(push);
    if (!handler) return undefined;
    try {
      return pushReplyOf(await handler.invoke(push, this.account), handler.name, push, this.logger);
    } catch (error) {
      const stack = error instanceof Error ? error.stack : String(error);
      this.logger.error(
        `${handler.name} failed on ${describePush(push)}; WeChat gets "success" (no reply)`,
        stack,
      );
      return undefined;
    }
  }

  private render(opened: OpenedPush, reply: WeChatReplyMessage): PushAnswer {
    const { push, format, cipher } = opened;
    const now = Math.floor(this.options.clock.now() / 1000);
    const render = format === 'json' ? renderReplyJson : renderReplyXml;
    const contentType =
      format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8';
    const plain = render(reply, push.FromUserName, push.ToUserName, now);
    if (!cipher) return { status: 200, contentType, body: plain };
    const body = renderEncryptedReply({
      cipher,
      appId: this.settings.appId,
      token: this.settings.token,
      plaintextReply: plain,
      format,
      timestampSeconds: now,
      // WeChat's own nonces are up to ten digits (wechat-push.md section 9).
      nonce: String(pooledRandomBytes(4).readUInt32BE() >>> 1 || 1),
    });
    return { status: 200, contentType, body };
  }
}

/** The answer to a refused request; rethrows anything that is not a `PushRejection`. */
export function rejectionAnswer(error: unknown): PushAnswer {
  if (!(error instanceof PushRejection)) throw error;
  return { status: error.status, contentType: 'text/plain; charset=utf-8', body: error.message };
}
