import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  InjectWeChatAccount,
  OnWeChatMessage,
  type TextMessage,
  type WeChatAccount,
  WeChatAccounts,
  WeChatAuth,
  WeChatModule,
} from 'nestjs-wechat';
import { WeChatEmulators } from 'nestjs-wechat/testing';
import { httpAdapter } from '../src/platform.js';

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-0123456789' };

@Injectable()
class Greeter {
  constructor(@InjectWeChatAccount('brand') readonly brand: WeChatAccount) {}

  @OnWeChatMessage('text', undefined, { account: 'brand' })
  greet(message: TextMessage, account: WeChatAccount): string {
    return `${account.name} says hi to ${message.Content}`;
  }
}

@Controller()
class ShopPage {
  @Get('shop')
  @WeChatAuth({ account: 'shop' })
  page() {
    return 'shop';
  }
}

// Several accounts in one module, from the packed package, on this app's platform.
describe('several accounts from the package', () => {
  let wechat: WeChatEmulators;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    wechat = await WeChatEmulators.start([SHOP, BRAND]);
    wechat.get(BRAND.appId).addUser({ openid: 'o_fan_00001', nickname: 'Fan' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot({
          accounts: [SHOP, { ...BRAND, push: { token: 'brandPushToken' } }],
          apiBaseUrl: wechat.url,
          openBaseUrl: wechat.url,
          token: { prefetch: false },
          oauth: { sessionSecret: 'a-session-secret-of-at-least-32-bytes!!' },
        }),
      ],
      controllers: [ShopPage],
      providers: [Greeter],
    }).compile();
    app = moduleRef.createNestApplication(httpAdapter());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });

  afterAll(async () => {
    await app?.close();
    await wechat?.close();
  });

  it('keeps a token per account, and injects an account by name', async () => {
    const accounts = app.get(WeChatAccounts);
    const shop = await (await accounts.get('shop')).tokens.getAccessToken();
    const brand = await app.get(Greeter).brand.tokens.getAccessToken();
    expect(shop).not.toBe(brand);
    expect(wechat.get(SHOP.appId).callCount('/cgi-bin/token')).toBe(1);
    expect(wechat.get(BRAND.appId).callCount('/cgi-bin/token')).toBe(1);
  });

  it("sends a visitor to the shop's authorize page", async () => {
    const res = await fetch(`${baseUrl}/shop`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('appid')).toBe(SHOP.appId);
  });

  it("answers the brand's pushes at its own path", async () => {
    const brand = wechat.get(BRAND.appId);
    await brand.configurePush({
      url: `${baseUrl}/wechat/push/brand`,
      token: 'brandPushToken',
      mode: 'plain',
    });
    const outcome = await brand.push(brand.compose.text('o_fan_00001', 'Fan'));
    expect(outcome).toMatchObject({ reply: { Content: 'brand says hi to Fan' } });
  });
});
