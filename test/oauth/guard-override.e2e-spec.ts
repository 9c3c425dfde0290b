import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  type ExecutionContext,
  Get,
  type INestApplication,
  Injectable,
  Module,
  UnauthorizedException,
} from '@nestjs/common';
import {
  WeChatAuth,
  WeChatAuthGuard,
  type WeChatAuthOptions,
  WeChatModule,
  WeChatUser,
} from '../../src/index.js';
import { signInAs, type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { createApp, PLATFORMS } from './platforms.js';

/** An app's guard: its own 401 body for API calls, everything else as the library does it. */
@Injectable()
class ApiAuthGuard extends WeChatAuthGuard {
  protected override throwUnauthorized(_context: ExecutionContext, authorizeUrl: string): void {
    throw new UnauthorizedException({ code: 'WECHAT_SIGN_IN', signInUrl: authorizeUrl });
  }
}

const ApiAuth = (options: WeChatAuthOptions = {}) =>
  WeChatAuth({ ...options, guard: ApiAuthGuard });

@Controller('api')
@ApiAuth()
class ApiController {
  @Get('me')
  me(@WeChatUser('openid') openid: string) {
    return { openid };
  }
}

describe.each(PLATFORMS)('a WeChatAuthGuard subclass on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let baseUrl: string;

  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
    const options = emulatorOptions(emulator, {
      oauth: { sessionSecret: 'guard-override-session-secret-0123456789' },
    });
    @Module({ imports: [WeChatModule.forRoot(options)], controllers: [ApiController] })
    class AppModule {}
    app = await createApp(platform, AppModule);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://localhost:${app.getHttpServer().address().port}`;
  });

  afterEach(async () => {
    await app.close();
    await emulator.close();
  });

  it('answers an API call without a session with its own 401 body', async () => {
    const res = await fetch(`${baseUrl}/api/me`, { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 'WECHAT_SIGN_IN',
      signInUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/connect\/oauth2\/authorize\?/),
    });
    // The state it carries is bound to this browser (a cookie the server signs), as with the
    // library's own answer.
    expect(res.headers.getSetCookie().join()).toMatch(
      /wechat_session_oauth=p1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43};/,
    );
  });

  it('keeps the steps it does not override: a page load is redirected, a session passes', async () => {
    const page = await fetch(`${baseUrl}/api/me`, {
      headers: { Accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(302);
    await page.arrayBuffer();
    const alice = await signInAs(baseUrl, emulator, 'o_alice_0001', { path: '/api/me' });
    expect(await (await alice.fetch('/api/me')).json()).toEqual({ openid: 'o_alice_0001' });
  });
});
