import { parseUrlAllowEntry } from '../http/url-allow-list.js';
import { WeChatOptionsError } from './wechat-options.error.js';

// Checks of single option values; each throws WeChatOptionsError naming the option, never its value.

export function requiredString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WeChatOptionsError(name, 'is missing or empty');
  }
  return value;
}

export function baseUrl(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new WeChatOptionsError(name, 'must be a URL string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WeChatOptionsError(name, `is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WeChatOptionsError(name, 'must be an http(s) URL');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new WeChatOptionsError(
      name,
      'must be a bare base URL, without query, fragment or credentials',
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** A whole number in range: durations end up in cookies, Redis TTLs and timers. */
export function integerIn(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new WeChatOptionsError(name, `must be a whole number from ${min} to ${max}`);
  }
  return value as number;
}

export function booleanOr(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new WeChatOptionsError(name, 'must be true or false');
  return value;
}

/** An absolute route path of letters, digits and `/_.-`, such as `/wechat/push`. */
export function routePath(name: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9/_.-]*$/.test(value) || value.includes('//')) {
    throw new WeChatOptionsError(name, `must be an absolute path such as ${example}`);
  }
  return value;
}

/** An allow-list of where URLs from WeChat's answers may lead (see `parseUrlAllowEntry`). */
export function urlAllowList(name: string, value: unknown, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value)) {
    throw new WeChatOptionsError(name, 'must be an array of entries such as "*.qq.com"');
  }
  return value.map((entry: unknown, i) => {
    try {
      parseUrlAllowEntry(entry);
    } catch (error) {
      throw new WeChatOptionsError(`${name}[${i}]`, (error as Error).message);
    }
    return (entry as string).trim();
  });
}
