/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { AppModule } from '../../example/app.module.js';
import {
  connectWeChat,
  DEMO_USERS,
  type WeChatConnection,
} from '../../example/wechat-connection.js';

describe('the example app in a real browser', () => {
  let connection: WeChatConnection;
  let app: INestApplication;
  let appUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    connection = await connectWeChat({});
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.register(connection)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    appUrl = `http://localhost:${(app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await connection?.emulator?.close();
  });

  it('walks the WeChat consent page, clicks Allow, and lands on the page greeting the user', async () => {
    const user = DEMO_USERS[0];
    connection.emulator!.signIn(user.openid);
    const page = await browser.newPage();
    try {
      await page.goto(`${appUrl}/hello`);
      expect(page.url()).toContain(`${connection.emulator!.url}/connect/oauth2/authorize?`);
      expect(page.url()).toMatch(/#wechat_redirect$/);
      await page.click('#allow');
      await page.waitForURL(`${appUrl}/hello`);
      expect(await page.textContent('#greeting')).toContain(user.nickname);
      const avatar = page.locator('#avatar');
      expect(await avatar.getAttribute('src')).toContain(`/mmopen/${user.openid}/`);
      expect(
        await avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      ).toBe(true);
      await page.screenshot({ path: 'build/example-hello.png' });

      const cookies = await page.context().cookies(appUrl);
      const session = cookies.find((c) => c.name === 'wechat_session')!;
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      expect(await page.evaluate(() => document.cookie)).not.toContain('wechat_session=');
    } finally {
      await page.close();
    }
  });

  it('lets a browser with nobody signed in pick a user first', async () => {
    connection.emulator!.signOut();
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${appUrl}/hello`);
      await page.click(`button[value="${DEMO_USERS[1].openid}"]`);
      await page.click('#allow');
      await page.waitForURL(`${appUrl}/hello`);
      expect(await page.textContent('#greeting')).toContain(DEMO_USERS[1].nickname);
    } finally {
      await context.close();
    }
  });
});
