import { WeChatEmulators } from '../../src/testing/index.js';
import { type Body, fetchAccessToken, getJson, refused } from '../support/emulator-http.js';

const SHOP = { appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789abcdef' };
const BRAND = { appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-0123456789abcdef' };

describe('WeChatEmulators: several accounts on one host', () => {
  let wechat: WeChatEmulators;

  beforeAll(async () => {
    wechat = await WeChatEmulators.start([SHOP, BRAND]);
    wechat.get(BRAND.appId).addUser({ openid: 'o_brand_only_0001', nickname: 'Brand fan' });
  });

  afterAll(() => wechat.close());

  it("sends each account's token request to its own emulator", async () => {
    const shop = await fetchAccessToken(wechat.url, SHOP.appId, SHOP.appSecret);
    const brand = await fetchAccessToken(wechat.url, BRAND.appId, BRAND.appSecret);
    expect(shop).toEqual(expect.any(String));
    expect(brand).toEqual(expect.any(String));
    expect(shop).not.toBe(brand);
    expect(wechat.get(SHOP.appId).callCount('/cgi-bin/token')).toBe(1);
    expect(wechat.get(BRAND.appId).callCount('/cgi-bin/token')).toBe(1);
    // One account's secret is no good for the other.
    const crossed = await fetch(
      `${wechat.url}/cgi-bin/token?grant_type=client_credential&appid=${SHOP.appId}&secret=${BRAND.appSecret}`,
    );
    expect(await crossed.json()).toEqual(refused(40125));
  });

  it('sends a call to the account whose token it carries', async () => {
    const brand = await fetchAccessToken(wechat.url, BRAND.appId, BRAND.appSecret);
    const shop = await fetchAccessToken(wechat.url, SHOP.appId, SHOP.appSecret);
    const fan = await getJson(wechat.url, '/cgi-bin/user/info', brand, {
      openid: 'o_brand_only_0001',
    });
    expect(fan).toMatchObject({ openid: 'o_brand_only_0001', subscribe: 1 });
    // The shop has no such follower.
    const elsewhere = await getJson(wechat.url, '/cgi-bin/user/info', shop, {
      openid: 'o_brand_only_0001',
    });
    expect(elsewhere).toEqual(refused(40003));
  });

  // https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
  it('answers as WeChat does for an unknown appid, an unknown token and none', async () => {
    const unknownApp = await fetch(
      `${wechat.url}/cgi-bin/token?grant_type=client_credential&appid=wxnobody&secret=x`,
    );
    expect((await unknownApp.json()) as Body).toEqual(refused(40013));
    expect(await getJson(wechat.url, '/cgi-bin/user/get', 'not-a-token')).toEqual(refused(40001));
    const none = await fetch(`${wechat.url}/cgi-bin/user/get`);
    expect((await none.json()) as Body).toEqual(refused(41001));
  });
});
