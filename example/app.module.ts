import { type DynamicModule, Module } from '@nestjs/common';
import { WeChatModule } from '../src/index.js';
import { CHAT_PAGE_URL, WECHAT_CONNECTION_LABEL } from './example.constants.js';
import { ChatHandlers } from './chat.handlers.js';
import { HelloController } from './hello.controller.js';
import { StatusController } from './status.controller.js';
import { type WeChatConnection } from './wechat-connection.js';

/**
 * The example app: the module, a status page, a JS-SDK endpoint, a signed-in page, and chat
 * handlers for what users send.
 */
@Module({})
export class AppModule {
  static register(connection: WeChatConnection): DynamicModule {
    return {
      module: AppModule,
      imports: [WeChatModule.forRoot(connection.options)],
      controllers: [StatusController, HelloController],
      providers: [
        { provide: WECHAT_CONNECTION_LABEL, useValue: connection.describe },
        // Nest takes no undefined value: null says there is no chat page (the real WeChat).
        { provide: CHAT_PAGE_URL, useValue: connection.emulator?.chatUrl ?? null },
        ChatHandlers,
      ],
    };
  }
}
