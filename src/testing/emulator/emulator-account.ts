/** The account the emulator plays: its credentials and its IP allow-list. */
export class EmulatorAccount {
  /** Addresses allowed to fetch tokens; undefined means the allow-list is off. */
  ipWhitelist?: Set<string>;

  constructor(
    readonly appId: string,
    readonly appSecret: string,
  ) {}

  /**
   * The errcode WeChat answers for these credentials from this address, or 0 when accepted.
   * Order as observed on WeChat: missing fields, then appid, then secret, then the IP list.
   * Without `remoteAddress` the IP list is not applied: WeChat documents it for the token
   * endpoints only, not for web authorization's `/sns/oauth2/access_token`.
   */
  checkCredentials(appid: unknown, secret: unknown, remoteAddress?: string): number {
    if (typeof appid !== 'string' || appid === '') return 41002;
    if (appid !== this.appId) return 40013;
    if (typeof secret !== 'string' || secret === '') return 41004;
    if (secret !== this.appSecret) return 40125;
    if (remoteAddress === undefined || !this.ipWhitelist) return 0;
    if (!this.ipWhitelist.has(plainIp(remoteAddress))) return 40164;
    return 0;
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
export function plainIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
