/** One entry of `download.urlAllowList`, parsed. */
export interface UrlAllowRule {
  /** `exact`: this host only; `subdomain`: any host under `host`; `any`: every host. */
  match: 'exact' | 'subdomain' | 'any';
  /** Lowercase; for `subdomain` the suffix with its dot (`.qq.com`); empty for `any`. */
  host: string;
  /** When given, the URL's port (its scheme's default if it names none) must be this one. */
  port?: string;
  /** When given, the URL's path must start with it. */
  pathPrefix?: string;
}

/**
 * Where WeChat's answers point. A video's `video_url` (and a permanent video's `down_url`) is an
 * http URL on Tencent's video CDN, addressed by a bare IP address with the CDN's name as the first
 * path segment: `http://203.205.137.73/vweixinp.tc.qq.com/1007_<id>.f10.mp4?vkey=...` (reported on
 * WeChat's developer community, developers.weixin.qq.com/community, "微信获取临时视频素材接口,
 * 返回路径URL无法下载"; the same shape with 203.205.158.71, 203.205.137.89, 103.7.29.197 and
 * 61.182.130.30 appears in the test suites of several WeChat SDKs on GitHub). The addresses are
 * CDN edges, some in ISPs' networks, so no list of addresses can be known in advance: the default
 * admits any public address with that path, Tencent's own domains (`*.qq.com`), and WeChat's image
 * hosts (`*.qpic.cn`, mmbiz.qpic.cn). A wildcard never admits a loopback or private address.
 */
export const DEFAULT_URL_ALLOW_LIST: readonly string[] = [
  '*/vweixinp.tc.qq.com/',
  '*.qq.com',
  '*.qpic.cn',
];

const ENTRY = /^(\*|\*\.[^/:@[\]*\s]+|\[[0-9a-f:.]+\]|[^/:@[\]*\s]+)(?::(\d{1,5}))?(\/\S*)?$/i;

/**
 * Parses an allow-list entry: `HOST[:PORT][/PATH-PREFIX]`, where HOST is a host name, an IP
 * address (`[...]` for IPv6), `*.example.com` (any host under example.com) or `*` (any host).
 * Throws an Error saying what is wrong.
 */
export function parseUrlAllowEntry(entry: unknown): UrlAllowRule {
  const parts = typeof entry === 'string' ? ENTRY.exec(entry.trim()) : null;
  if (!parts) {
    throw new Error(
      'must be HOST[:PORT][/PATH-PREFIX], HOST a host name, an IP address, *.domain or *',
    );
  }
  const [, host, port, pathPrefix] = parts;
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65_535)) {
    throw new Error('has a port outside 1-65535');
  }
  if (pathPrefix !== undefined && /[?#]/.test(pathPrefix)) {
    throw new Error('has a query or fragment; only a path prefix may follow the host');
  }
  const rule = { port, pathPrefix };
  if (host === '*') return { match: 'any', host: '', ...rule };
  if (host.startsWith('*.'))
    return { match: 'subdomain', host: `.${hostName(host.slice(2))}`, ...rule };
  return { match: 'exact', host: hostName(host), ...rule };
}

/** The host as URLs spell it (lowercase, IPv4 shorthands expanded, IDN in punycode). */
function hostName(host: string): string {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    throw new Error(`has an invalid host ${JSON.stringify(host)}`);
  }
}

/** The rules of `download.urlAllowList`. */
export class UrlAllowList {
  private readonly rules: UrlAllowRule[];

  constructor(entries: readonly string[]) {
    // Exact entries first: only they admit loopback and private addresses.
    const order = { exact: 0, subdomain: 1, any: 2 };
    this.rules = entries.map(parseUrlAllowEntry).sort((a, b) => order[a.match] - order[b.match]);
  }

  /** The first rule admitting `url`, exact entries before wildcards; undefined when none does. */
  match(url: URL): UrlAllowRule | undefined {
    const host = url.hostname;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.rules.find(
      (rule) =>
        hostMatches(rule, host) &&
        (rule.port === undefined || rule.port === port) &&
        (rule.pathPrefix === undefined || url.pathname.startsWith(rule.pathPrefix)),
    );
  }
}

function hostMatches(rule: UrlAllowRule, host: string): boolean {
  if (rule.match === 'any') return true;
  if (rule.match === 'subdomain') return host.endsWith(rule.host);
  return host === rule.host;
}
