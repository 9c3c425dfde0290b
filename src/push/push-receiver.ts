import { Inject, Injectable, Logger } from '@nestjs/common';
import { pooledRandomBytes } from '../common/random-pool.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { PushCipher } from './push-cipher.js';
import {
  openPush,
  type OpenedPush,
  type PushBody,
  type PushEnvelopeSettings,
  PushRejection,
  verifyPushUrl,
} from './push-envelope.js';
import { PushHandlerTable } from './push-handler.table.js';
import { type WeChatPush } from './push-message.types.js';
import { pushReplyOf, describePush } from './push-reply.result.js';
import {
  renderEncryptedReply,
  renderReplyJson,
  renderReplyXml,
  type WeChatReplyMessage,
} from './push-reply.js';
import { PushRetryMemo, retryKey } from './push-retry-memo.js';

/** What the endpoint sends back. */
export interface PushAnswer {
  status: number;
  contentType: string;
  body: string;
}

// wechat-push.md section 5: "success" (or nothing) tells WeChat the push arrived, with no reply.
const SUCCESS: PushAnswer = {
  status: 200,
  contentType: 'text/plain; charset=utf-8',
  body: 'success',
};

/**
 * Receives what WeChat pushes: verifies it, hands it to the handler that subscribes to it (once
 * for a push and its retries), and turns the handler's return value into the passive reply.
 */
@Injectable()
export class PushReceiver {
  private readonly logger = new Logger('WeChat:push');
  private readonly settings: PushEnvelopeSettings;
  private readonly memo: PushRetryMemo<WeChatReplyMessage | undefined>;
  private handlers = new PushHandlerTable([], () => undefined);

  constructor(@Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions) {
    const push = options.push;
    const keys = [push?.encodingAESKey, push?.previousEncodingAESKey];
    this.settings = {
      appId: options.appId,
      token: push?.token ?? '',
      ciphers: keys.filter((key) => key !== undefined).map((key) => new PushCipher(key)),
      requireEncryption: push?.requireEncryption ?? false,
    };
    this.memo = new PushRetryMemo(options.clock, (push?.retryWindowSeconds ?? 60) * 1000);
  }

  /** The handlers found at start-up. */
  useHandlers(handlers: PushHandlerTable): void {
    this.handlers = handlers;
  }

  /** WeChat's URL verification (GET). */
  verify(query: Record<string, unknown>): PushAnswer {
    try {
      return { ...SUCCESS, body: verifyPushUrl(query, this.settings.token) };
    } catch (error) {
      return rejected(error);
    }
  }

  /** A pushed message or event (POST). Never rejects: every failure is an answer. */
  async receive(query: Record<string, unknown>, body: PushBody): Promise<PushAnswer> {
    let opened: OpenedPush;
    try {
      opened = openPush(query, body, this.settings);
    } catch (error) {
      return rejected(error);
    }
    const key = retryKey(this.settings.appId, opened.push);
    const reply = await this.memo.run(key, () => this.dispatch(opened.push));
    return reply === undefined ? SUCCESS : this.render(opened, reply);
  }

  private async dispatch(push: WeChatPush): Promise<WeChatReplyMessage | undefined> {
    const handler = this.handlers.find(push);
    if (!handler) return undefined;
    try {
      return pushReplyOf(await handler.invoke(push), handler.name, push, this.logger);
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

function rejected(error: unknown): PushAnswer {
  if (!(error instanceof PushRejection)) throw error;
  return { status: error.status, contentType: 'text/plain; charset=utf-8', body: error.message };
}
