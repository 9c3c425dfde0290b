import { randomUUID } from 'node:crypto';

/** The Redis the tests share (CI starts it): `REDIS_URL`, default the local one. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test, so tests never see each other's keys. */
export function uniquePrefix(): string {
  return `nestjs-wechat-test:${randomUUID()}:`;
}
