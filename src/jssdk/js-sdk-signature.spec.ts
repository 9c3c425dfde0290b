import { describe, expect, it } from '@jest/globals';
import { signJsSdk } from './js-sdk-signature.js';

describe('signJsSdk', () => {
  // The worked example of the official JS-SDK documentation (附录1 签名算法).
  const example = {
    ticket:
      'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
    nonceStr: 'Wm3WZYTPz0wzccnW',
    timestamp: 1414587457,
    url: 'http://mp.weixin.qq.com?params=value',
  };

  it('matches the official worked example', () => {
    expect(signJsSdk(example)).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('signs the url without its #fragment', () => {
    expect(signJsSdk({ ...example, url: `${example.url}#/tab/2` })).toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    );
  });

  it('signs values raw, not URL-escaped', () => {
    const escaped = signJsSdk({ ...example, url: 'http://a.test/p?q=a%20b' });
    const raw = signJsSdk({ ...example, url: 'http://a.test/p?q=a b' });
    expect(escaped).not.toBe(raw);
  });
});
