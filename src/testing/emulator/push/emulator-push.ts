import { type WeChatPushBase } from '../../../push/push-message.types.js';
import { type EmulatorClock } from '../emulator-clock.js';
import { type EmulatorUsers } from '../emulator-users.js';
import { checkPushConfig, type EmulatorPushConfig, type PushConfig } from './push-config.js';
import { deliver } from './push-delivery.js';
import { applyPushEffects, type PushEffectState } from './push-effects.js';
import { type EmulatorPushOutcome, type EmulatorPushRecord } from './push-outcome.js';
import { buildPushRequest } from './push-request.js';
import { type PushFields } from './push-serialize.js';
import { verifyPushUrl } from './push-verification.js';

/** What the emulator's pushes need of the account. */
export interface EmulatorPushState extends PushEffectState {
  appId: string;
  originalId: string;
  users: EmulatorUsers;
  clock: EmulatorClock;
}

/** Why `push` sent nothing: no push URL is configured, or the emulator is closed. */
export class PushUnavailableError extends Error {
  override readonly name = 'PushUnavailableError';

  constructor(
    readonly reason: 'not-configured' | 'closed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The account's push URL (服务器配置) and the pushes made to it: configuration with WeChat's URL
 * verification, delivery with its tries and reply checks, and the log of what users saw.
 */
export class EmulatorPush {
  private config?: PushConfig;
  private readonly records: EmulatorPushRecord[] = [];
  // Aborted by close(): every exchange under way drops its connection at once.
  private readonly closing = new AbortController();

  constructor(private readonly state: EmulatorPushState) {}

  /** Checks and verifies the configuration; keeps the previous one when either fails. */
  async configure(input: EmulatorPushConfig): Promise<void> {
    this.assertOpen('configurePush');
    const config = checkPushConfig(input);
    await verifyPushUrl(config, this.state.clock.now(), this.closing.signal);
    this.config = config;
  }

  clear(): void {
    this.config = undefined;
  }

  async push(message: WeChatPushBase): Promise<EmulatorPushOutcome> {
    this.assertOpen('push');
    const config = this.config;
    if (!config) {
      throw new PushUnavailableError(
        'not-configured',
        'push: no push URL is configured; call configurePush first',
      );
    }
    const fields = this.checkMessage(message);
    const at = this.state.clock.now();
    applyPushEffects(fields, this.state);
    const request = buildPushRequest(config, fields, this.state.appId, at);
    const outcome = await deliver(
      request,
      {
        config,
        appId: this.state.appId,
        openid: fields.FromUserName as string,
        originalId: this.state.originalId,
      },
      this.closing.signal,
    );
    this.records.push({ message: structuredClone(fields), outcome, at });
    return outcome;
  }

  /** Pushes delivered so far, oldest first. */
  log(): EmulatorPushRecord[] {
    return structuredClone(this.records);
  }

  /** Drops every exchange under way; later calls throw. */
  close(): void {
    this.closing.abort();
  }

  private assertOpen(control: string): void {
    if (this.closing.signal.aborted) {
      throw new PushUnavailableError('closed', `${control}: the emulator is closed`);
    }
  }

  private checkMessage(message: WeChatPushBase): PushFields {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw new TypeError('push takes a message object, e.g. from emulator.compose');
    }
    const fields = { ...(message as unknown as PushFields) };
    for (const name of ['ToUserName', 'FromUserName', 'MsgType']) {
      if (typeof fields[name] !== 'string' || fields[name] === '') {
        throw new TypeError(`push: the message has no ${name}`);
      }
    }
    if (!Number.isSafeInteger(fields.CreateTime)) {
      throw new TypeError('push: the message has no CreateTime in seconds');
    }
    const openid = fields.FromUserName as string;
    if (!this.state.users.get(openid)) throw new Error(`push: no user ${openid}; addUser first`);
    return fields;
  }
}
