import { WeChatArgumentError } from '../wechat-api.error.js';
import { WeChatApiClient } from '../wechat-api.client.js';
import { checkCustomMessage } from './custom-message-check.js';
import {
  type CustomMessage,
  type SubscribeMessage,
  type TemplateMessage,
} from './message.types.js';

/** Messages to users: template messages, customer-service messages, subscription notifications. */
export class MessageClient {
  constructor(private readonly api: WeChatApiClient) {}

  /**
   * Sends a template message; resolves to its msgid (a 64-bit id, as a string). A call that is
   * repeated after a timeout should keep its `clientMsgId`, so WeChat delivers it once.
   */
  async sendTemplate(message: TemplateMessage): Promise<string> {
    checkData('data', message.data);
    const reply = await this.api.post<{ msgid: string | number }>(
      '/cgi-bin/message/template/send',
      {
        touser: message.touser,
        template_id: message.templateId,
        url: message.url,
        miniprogram: message.miniprogram,
        client_msg_id: message.clientMsgId,
        data: message.data,
      },
    );
    return String(reply.msgid);
  }

  /**
   * Sends a customer-service message of any type WeChat serves: text, image, voice, video,
   * music, news, mpnews, mpnewsarticle, msgmenu, wxcard, miniprogrampage or link.
   */
  async sendCustom(message: CustomMessage): Promise<void> {
    checkCustomMessage(message);
    await this.api.post('/cgi-bin/message/custom/send', message);
  }

  /** Sends a subscription notification the user has accepted. */
  async sendSubscribe(message: SubscribeMessage): Promise<void> {
    checkData('data', message.data);
    await this.api.post('/cgi-bin/message/subscribe/bizsend', {
      touser: message.touser,
      template_id: message.templateId,
      page: message.page,
      miniprogram: message.miniprogram,
      data: message.data,
    });
  }
}

function checkData(name: string, data: Record<string, { value: string }>): void {
  if (typeof data !== 'object' || data === null || Object.keys(data).length === 0) {
    throw new WeChatArgumentError(name, 'must map each template key to { value }');
  }
  for (const [key, entry] of Object.entries(data)) {
    if (typeof entry?.value !== 'string') {
      throw new WeChatArgumentError(`${name}.${key}.value`, 'must be a string');
    }
  }
}
