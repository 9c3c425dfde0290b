import { type ResolvedWeChatOptions } from '../../options/wechat-module-options.interface.js';
import { WeChatArgumentError } from '../wechat-api.error.js';
import { WeChatApiClient } from '../wechat-api.client.js';

/** `/cgi-bin/openapi/quota/get`: how much of an API's daily quota is used. */
export interface ApiQuota {
  dailyLimit: number;
  used: number;
  remain: number;
}

/** Account helpers: quotas and WeChat's IP addresses. */
export class AccountClient {
  constructor(
    private readonly api: WeChatApiClient,
    private readonly options: ResolvedWeChatOptions,
  ) {}

  /** Resets every API's daily call count (10 times a month). */
  async clearQuota(): Promise<void> {
    await this.api.post('/cgi-bin/clear_quota', { appid: this.options.appId });
  }

  /** The daily quota of one API, e.g. `/cgi-bin/message/custom/send`. */
  async getApiQuota(cgiPath: string): Promise<ApiQuota> {
    if (typeof cgiPath !== 'string' || !cgiPath.startsWith('/')) {
      throw new WeChatArgumentError('cgiPath', 'must be an API path such as /cgi-bin/user/get');
    }
    const reply = await this.api.post<{
      quota: { daily_limit: number; used: number; remain: number };
    }>('/cgi-bin/openapi/quota/get', { cgi_path: cgiPath });
    return {
      dailyLimit: reply.quota.daily_limit,
      used: reply.quota.used,
      remain: reply.quota.remain,
    };
  }

  /** The IP addresses of WeChat's API hosts (for outbound firewalls). */
  async getApiDomainIps(): Promise<string[]> {
    return (await this.api.get<{ ip_list: string[] }>('/cgi-bin/get_api_domain_ip')).ip_list;
  }

  /** The IP addresses WeChat calls your server from (for inbound firewalls). */
  async getCallbackIps(): Promise<string[]> {
    return (await this.api.get<{ ip_list: string[] }>('/cgi-bin/getcallbackip')).ip_list;
  }
}
