/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { AppModule } from '../../example/app.module.js';
import { EXAMPLE_QR_SCENE, setUpChat } from '../../example/chat-setup.js';
import {
  connectWeChat,
  DEMO_USERS,
  type WeChatConnection,
} from '../../example/wechat-connection.js';

// Script and markup in a message: the page must show them as text and run none of it.
const HOSTILE =
  '<script>window.__chatXss = 1</script><img src=x onerror="alert(\'xss\')">' +
  '<b id="injected">bold</b> & "quotes"';

describe('the emulator chat page with the example app, in a real browser', () => {
  let connection: WeChatConnection;
  let app: INestApplication;
  let appUrl: string;
  let browser: Browser;
  let appClosed = false;

  beforeAll(async () => {
    connection = await connectWeChat({});
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.register(connection)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    appUrl = `http://localhost:${(app.getHttpServer().address() as { port: number }).port}`;
    await setUpChat(app, connection, appUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (!appClosed) await app?.close();
    await connection?.emulator?.close();
  });

  /** Waits for the app's latest reply containing `text`; its whole text. */
  async function appSays(page: Page, text: string): Promise<string> {
    const bubble = page.locator('#conversation .from-app .bubble', { hasText: text }).last();
    await bubble.waitFor();
    return (await bubble.textContent()) ?? '';
  }

  async function followState(page: Page, expected: string): Promise<void> {
    await page.locator('#follow-state', { hasText: new RegExp(`^${expected}$`) }).waitFor();
  }

  it('lets a demo user follow, chat, tap the menu and scan the QR code, showing everything as text', async () => {
    const user = DEMO_USERS[1];
    const context = await browser.newContext({ viewport: { width: 480, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const problems: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // A blocked inline script or style (a CSP hash that does not match) is a console error.
    // The example app has no favicon: its 404 is no problem of the chat page.
    page.on('console', (message) => {
      const where = message.location().url;
      if (message.type() === 'error' && !where.endsWith('/favicon.ico')) {
        problems.push(`${message.text()} (${where})`);
      }
    });
    try {
      await page.goto(appUrl);
      const link = page.locator('#chat-link');
      expect(await link.getAttribute('href')).toBe(connection.emulator!.chatUrl);
      await link.click();
      await page.waitForURL(connection.emulator!.chatUrl);

      await page.selectOption('#user-picker', user.openid);
      await page.waitForURL(`${connection.emulator!.chatUrl}?openid=${user.openid}`);
      // The demo users follow the account already: unfollow first, and the chat closes.
      await followState(page, 'Following');
      await page.click('#unfollow');
      await followState(page, 'Not following');
      expect(await page.locator('#message').isDisabled()).toBe(true);
      expect(await page.locator('#not-following').isVisible()).toBe(true);

      await page.click('#follow');
      expect(await appSays(page, 'Welcome to the nestjs-wechat example!')).toBe(
        'Welcome to the nestjs-wechat example! Send "help" to see what I can do.',
      );
      await followState(page, 'Following');

      await page.fill('#message', 'help');
      await page.press('#message', 'Enter');
      expect(await appSays(page, 'I understand:')).toContain('help: this list');

      await page.fill('#message', HOSTILE);
      await page.click('#send');
      expect(await appSays(page, 'You said:')).toBe(`You said: ${HOSTILE}`);
      const mine = page.locator('#conversation .from-user .bubble', { hasText: 'injected' });
      expect(await mine.last().textContent()).toBe(HOSTILE);

      await page.locator('#menu').getByRole('button', { name: 'Hello' }).click();
      expect(await appSays(page, 'Hello from the menu!')).toBe('Hello from the menu!');

      // A view button pushes VIEW and opens its page in a new tab.
      const [tab] = await Promise.all([
        context.waitForEvent('page'),
        page.locator('#menu').getByRole('link', { name: 'Sign in' }).click(),
      ]);
      await tab.waitForLoadState();
      expect(tab.url()).toContain(connection.emulator!.url);
      await tab.close();
      await page.locator('.kind-action', { hasText: 'You opened "Sign in"' }).waitFor();

      const scan = page.locator(`#qr-codes button.scan[data-scene="${EXAMPLE_QR_SCENE}"]`);
      await scan.click();
      expect(await appSays(page, 'Welcome back!')).toBe(
        `Welcome back! You scanned the QR code "${EXAMPLE_QR_SCENE}".`,
      );

      await page.click('#unfollow');
      await followState(page, 'Not following');
      await scan.click();
      expect(await appSays(page, 'You came through the QR code')).toBe(
        `Welcome to the nestjs-wechat example! You came through the QR code "${EXAMPLE_QR_SCENE}". ` +
          'Send "help" to see what I can do.',
      );
      await followState(page, 'Following');

      // Nothing was parsed as HTML or run: no dialog, no injected element, only the page's script.
      expect(dialogs).toEqual([]);
      expect(await page.locator('#injected').count()).toBe(0);
      expect(await page.locator('#conversation img, #conversation b').count()).toBe(0);
      expect(await page.evaluate(() => document.scripts.length)).toBe(1);
      expect(
        await page.evaluate(() => (window as unknown as { __chatXss?: number }).__chatXss),
      ).toBeUndefined();
      expect(problems).toEqual([]);

      const lines = await page.$$eval('#conversation .entry', (entries) =>
        entries.map((entry) => `${entry.className.split(' ')[1]}: ${entry.textContent}`),
      );
      expect(lines).toEqual([
        'from-user: You unfollowed the account',
        'from-user: You followed the account',
        'from-app: Welcome to the nestjs-wechat example! Send "help" to see what I can do.',
        'from-user: help',
        expect.stringMatching(/^from-app: I understand:\nhelp: this list\n/),
        `from-user: ${HOSTILE}`,
        `from-app: You said: ${HOSTILE}`,
        'from-user: You tapped "Hello" in the menu',
        'from-app: Hello from the menu!',
        `from-user: You opened "Sign in" from the menu: ${appUrl}/hello`,
        `from-user: You scanned the QR code "${EXAMPLE_QR_SCENE}"`,
        `from-app: Welcome back! You scanned the QR code "${EXAMPLE_QR_SCENE}".`,
        'from-user: You unfollowed the account',
        `from-user: You scanned the QR code "${EXAMPLE_QR_SCENE}" and followed the account`,
        expect.stringContaining(`You came through the QR code "${EXAMPLE_QR_SCENE}"`),
      ]);
      expect(connection.emulator!.user(user.openid)).toMatchObject({
        subscribed: true,
        qrSceneStr: EXAMPLE_QR_SCENE,
      });
      await page.screenshot({ path: 'build/example-chat.png' });
    } finally {
      await context.close();
    }
  });

  it("shows WeChat's unavailable notice as a system line when the app fails to answer", async () => {
    const user = DEMO_USERS[0];
    const emulator = connection.emulator!;
    const page = await browser.newPage();
    try {
      await page.goto(`${emulator.chatUrl}?openid=${user.openid}`);
      await followState(page, 'Following');
      // The app goes away: WeChat shows its notice after the tries.
      await app.close();
      appClosed = true;
      await page.fill('#message', 'anyone there?');
      await page.press('#message', 'Enter');
      const notice = page.locator('#conversation .from-system.kind-notice');
      await notice.waitFor();
      expect(await notice.locator('.line').textContent()).toBe(
        '该公众号暂时无法提供服务，请稍后再试',
      );
      expect(await notice.locator('.detail').textContent()).toMatch(/no connection/);
    } finally {
      await page.close();
    }
  });
});
