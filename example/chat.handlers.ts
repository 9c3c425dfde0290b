import { Injectable } from '@nestjs/common';
import {
  type ClickEvent,
  OnWeChatEvent,
  OnWeChatMessage,
  type ScanEvent,
  type SubscribeEvent,
  type TextMessage,
  WeChatReply,
} from '../src/index.js';
import { MENU_KEYS } from './chat-setup.js';

const HELP = [
  'I understand:',
  'help: this list',
  'anything else: I echo it back',
  'The menu below has buttons too.',
].join('\n');

/** What the example answers in the chat: a greeting, echo and help, the menu, QR scans. */
@Injectable()
export class ChatHandlers {
  @OnWeChatEvent('subscribe')
  welcome(event: SubscribeEvent): string {
    const from = event.scene ? ` You came through the QR code "${event.scene}".` : '';
    return `Welcome to the nestjs-wechat example!${from} Send "help" to see what I can do.`;
  }

  @OnWeChatEvent('SCAN')
  scanned(event: ScanEvent): string {
    return `Welcome back! You scanned the QR code "${event.scene}".`;
  }

  @OnWeChatMessage('text', 'help')
  help(): string {
    return HELP;
  }

  @OnWeChatMessage('text')
  echo(message: TextMessage): string {
    return `You said: ${message.Content}`;
  }

  @OnWeChatEvent('CLICK', MENU_KEYS.hello)
  hello(): string {
    return 'Hello from the menu!';
  }

  @OnWeChatEvent('CLICK', MENU_KEYS.time)
  time(event: ClickEvent): ReturnType<typeof WeChatReply.text> {
    const sent = new Date(event.CreateTime * 1000).toISOString();
    return WeChatReply.text(`You tapped "Time" at ${sent}.`);
  }

  @OnWeChatMessage()
  otherMessage(): string {
    return 'I can only read text for now. Send "help".';
  }
}
