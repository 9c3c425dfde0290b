import { type DynamicModule, Module } from '@nestjs/common';
import { WeChatModule } from '../src/index.js';
import { WECHAT_CONNECTION_LABEL } from './example.constants.js';
import { StatusController } from './status.controller.js';
import { type WeChatConnection } from './wechat-connection.js';

/** The example app: the module, a status page and a JS-SDK endpoint. */
@Module({})
export class AppModule {
  static register(connection: WeChatConnection): DynamicModule {
    return {
      module: AppModule,
      imports: [WeChatModule.forRoot(connection.options)],
      controllers: [StatusController],
      providers: [{ provide: WECHAT_CONNECTION_LABEL, useValue: connection.describe }],
    };
  }
}
