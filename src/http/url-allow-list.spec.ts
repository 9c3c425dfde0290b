import { describe, expect, it } from '@jest/globals';
import { DEFAULT_URL_ALLOW_LIST, parseUrlAllowEntry, UrlAllowList } from './url-allow-list.js';

describe('UrlAllowList', () => {
  const defaults = new UrlAllowList(DEFAULT_URL_ALLOW_LIST);

  it.each([
    'http://203.205.137.73/vweixinp.tc.qq.com/1007_28f9fa05.f10.mp4?vkey=2A8D&sha=0&save=1',
    'http://vweixinf.tc.qq.com/110/20401/stodownload?m=97365663',
    'https://mmbiz.qpic.cn/mmbiz_jpg/Hw4SsicubkrfFP/0?wx_fmt=jpeg',
  ])('admits by default %s', (url) => {
    expect(defaults.match(new URL(url))).toBeDefined();
  });

  it.each([
    'http://203.205.137.73/other/1007_28f9fa05.f10.mp4',
    'http://evil.example/video.mp4',
    'http://qq.com.evil.example/video.mp4',
    'http://evilqq.com/video.mp4',
  ])('does not admit by default %s', (url) => {
    expect(defaults.match(new URL(url))).toBeUndefined();
  });

  it('matches a port and a path prefix when an entry names them', () => {
    const list = new UrlAllowList(['127.0.0.1:8080/videos/', 'cdn.example:443']);
    expect(list.match(new URL('http://127.0.0.1:8080/videos/a.mp4'))).toMatchObject({
      match: 'exact',
    });
    expect(list.match(new URL('http://127.0.0.1:8081/videos/a.mp4'))).toBeUndefined();
    expect(list.match(new URL('http://127.0.0.1:8080/admin'))).toBeUndefined();
    // The path is matched after dot segments are resolved.
    expect(list.match(new URL('http://127.0.0.1:8080/videos/../admin'))).toBeUndefined();
    expect(list.match(new URL('https://cdn.example/a.mp4'))).toBeDefined();
    expect(list.match(new URL('http://cdn.example/a.mp4'))).toBeUndefined();
  });

  it('prefers an exact entry to a wildcard (only an exact one admits private addresses)', () => {
    const list = new UrlAllowList(['*', '*.corp.example', 'media.corp.example']);
    expect(list.match(new URL('http://media.corp.example/a'))).toMatchObject({ match: 'exact' });
    expect(list.match(new URL('http://other.corp.example/a'))).toMatchObject({
      match: 'subdomain',
    });
  });

  it('spells hosts as URLs do', () => {
    expect(parseUrlAllowEntry('MEDIA.Example.COM')).toMatchObject({ host: 'media.example.com' });
    expect(parseUrlAllowEntry('127.1')).toMatchObject({ host: '127.0.0.1' });
    expect(parseUrlAllowEntry('[::1]:3000')).toMatchObject({ host: '[::1]', port: '3000' });
  });

  it.each([
    '',
    'http://cdn.example',
    'user@cdn.example',
    'cdn.example:0',
    'cdn.example:70000',
    'cdn.example/videos?x=1',
    '*cdn.example',
    'cdn.*.example',
    'bad host',
    42,
  ])('refuses the entry %j', (entry) => {
    expect(() => parseUrlAllowEntry(entry)).toThrow();
  });
});
