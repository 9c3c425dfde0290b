import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../example/app.module.js';
import {
  connectWeChat,
  DEMO_USERS,
  type WeChatConnection,
} from '../../example/wechat-connection.js';
import { TokenService } from '../../src/index.js';
import { signInAs } from '../../src/testing/index.js';

describe('the example app on its embedded emulator', () => {
  let connection: WeChatConnection;
  let app: INestApplication;

  beforeAll(async () => {
    connection = await connectWeChat({});
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.register(connection)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await connection.emulator?.close();
  });

  it('shows the token status and a JS-SDK config, never the token', async () => {
    const res = await request(app.getHttpServer()).get('/').expect(200);
    const token = await app.get(TokenService).getAccessToken();
    expect(res.text).toContain('id="token-status"');
    expect(res.text).toContain(connection.options.appId);
    expect(res.text).toContain('&quot;signature&quot;');
    expect(res.text).not.toContain(token);
    expect(res.text).not.toContain(connection.options.appSecret);
  });

  it('signs another page URL as JSON, and refuses a bad one with 400', async () => {
    const res = await request(app.getHttpServer())
      .get('/jssdk-config')
      .query({ url: 'https://shop.example.com/item?id=1' })
      .expect(200);
    expect(res.body).toEqual({
      appId: connection.options.appId,
      timestamp: expect.any(Number),
      nonceStr: expect.any(String),
      signature: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    await request(app.getHttpServer()).get('/jssdk-config').query({ url: '/relative' }).expect(400);
    await request(app.getHttpServer()).get('/jssdk-config').expect(400);
  });

  it('greets each demo user by nickname on the signed-in page', async () => {
    for (const user of DEMO_USERS) {
      const client = await signInAs(app, connection.emulator!, user.openid, { path: '/hello' });
      const page = await request(app.getHttpServer()).get('/hello').set('Cookie', client.cookie);
      expect(page.status).toBe(200);
      expect(page.text).toContain(user.nickname);
    }
  });
});
