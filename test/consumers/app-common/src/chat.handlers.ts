import { Injectable } from '@nestjs/common';
import {
  OnWeChatEvent,
  OnWeChatMessage,
  type SubscribeEvent,
  type TextMessage,
} from 'nestjs-wechat';

/** Answers what users send the account (the README's "Receiving messages"). */
@Injectable()
export class ChatHandlers {
  @OnWeChatMessage('text')
  echo(message: TextMessage): string {
    return `You said: ${message.Content}`;
  }

  @OnWeChatEvent('subscribe')
  welcome(event: SubscribeEvent): string {
    return event.scene ? `Welcome from ${event.scene}` : 'Welcome';
  }
}
