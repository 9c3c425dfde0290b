import { type AbstractHttpAdapter } from '@nestjs/core';
import { stringifySetCookie } from 'cookie';

/** The attributes of the cookies web authorization sets. */
export interface CookieAttributes {
  httpOnly: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  secure: boolean;
  path: string;
  maxAge: number;
}

/**
 * Adds a `Set-Cookie` header to `response`. Goes through the adapter's `appendHeader`, which the
 * Express and Fastify adapters of Nest 11 and 12 all have; `setCookie` exists only in Nest 12.
 */
export function setCookie(
  adapter: Pick<AbstractHttpAdapter, 'appendHeader'>,
  response: unknown,
  name: string,
  value: string,
  attributes: CookieAttributes,
): void {
  adapter.appendHeader(response, 'Set-Cookie', stringifySetCookie({ name, value, ...attributes }));
}
