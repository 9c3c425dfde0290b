import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { isPublicAddress } from './public-address.js';
import { type UrlAllowList } from './url-allow-list.js';

/** An address the host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A node-style `lookup` for a request: answers with addresses resolved (and checked) before. */
export type PinnedLookup = (
  hostname: string,
  options: object,
  callback: (error: Error | null, addresses: ResolvedAddress[]) => void,
) => void;

/** A URL that passed every rule, with the lookup that connects to the addresses checked. */
export interface AdmittedUrl {
  url: URL;
  /** Undefined when the host is an IP address (nothing to look up). */
  lookup?: PinnedLookup;
}

export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

const resolveHost: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * Checks a URL taken from WeChat's answer before anything is sent to it: http(s) only, no
 * credentials, a host the allow-list admits, and no loopback, private or link-local address
 * unless an exact allow-list entry names the host. The connection then goes to the very addresses
 * checked (no second lookup that could answer differently). `base` resolves a relative URL (a
 * redirect's Location). A refusal is a `WeChatArgumentError`
 * on `source` (e.g. `video_url`) naming the rule; it never quotes the URL's credentials or query.
 */
export async function admitUrl(
  text: string,
  source: string,
  allowList: UrlAllowList,
  options: { base?: URL; resolve?: ResolveHost } = {},
): Promise<AdmittedUrl> {
  const { base, resolve = resolveHost } = options;
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw refused(source, 'is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(source, `uses ${url.protocol}; only http and https URLs are followed`);
  }
  if (url.username || url.password) {
    throw refused(source, 'carries credentials (user:password@); such a URL is never followed');
  }
  const rule = allowList.match(url);
  if (!rule) {
    throw refused(
      source,
      `points to ${url.host}, where no entry of the allow-list (option download.urlAllowList) ` +
        'admits it',
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  const addresses: ResolvedAddress[] =
    family === 0 ? await resolve(host) : [{ address: host, family: family === 6 ? 6 : 4 }];
  const barred = addresses.find(({ address }) => !isPublicAddress(address));
  if (barred && rule.match !== 'exact') {
    throw refused(
      source,
      `points to ${url.host}, which is at ${barred.address}, a loopback, private or otherwise ` +
        'non-public address; only an exact entry of download.urlAllowList (not a wildcard) ' +
        'admits such a host',
    );
  }
  return { url, lookup: family === 0 ? pinnedLookup(addresses) : undefined };
}

function pinnedLookup(addresses: ResolvedAddress[]): PinnedLookup {
  return (_hostname, _options, callback) => callback(null, addresses);
}

function refused(source: string, problem: string): WeChatArgumentError {
  return new WeChatArgumentError(source, `is refused: it ${problem}`);
}
