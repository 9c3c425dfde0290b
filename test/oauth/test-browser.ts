import request from 'supertest';

export interface Visit {
  status: number;
  url: string;
  location?: string;
  text: string;
  body: unknown;
  setCookies: string[];
}

/**
 * A browser as far as the OAuth flow needs one: a cookie jar per host, `Accept: text/html` for
 * page loads, fragments kept off the wire, redirects followed one at a time by the test.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  constructor(private readonly accept = 'text/html,application/xhtml+xml') {}

  async get(url: string, headers: Record<string, string> = {}): Promise<Visit> {
    const target = new URL(url);
    let req = request(target.origin)
      .get(target.pathname + target.search)
      .set('Accept', this.accept)
      .redirects(0);
    const cookie = this.cookieHeader(target.host);
    if (cookie) req = req.set('Cookie', cookie);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return this.record(target, await req.ok(() => true));
  }

  /** Submits a form as the emulator's pages do (POST, urlencoded). */
  async submit(url: string, form: Record<string, string>): Promise<Visit> {
    const target = new URL(url);
    const req = request(target.origin)
      .post(target.pathname)
      .type('form')
      .send(form)
      .set('Accept', this.accept)
      .redirects(0);
    return this.record(target, await req.ok(() => true));
  }

  /** Follows a redirect of `visit`. */
  follow(visit: Visit): Promise<Visit> {
    if (!visit.location)
      throw new Error(`no redirect to follow from ${visit.url} (${visit.status})`);
    return this.get(new URL(visit.location, visit.url).href);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  clearCookies(): void {
    this.jar.clear();
  }

  private cookieHeader(host: string): string {
    return [...(this.jar.get(host) ?? [])].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private record(target: URL, res: request.Response): Visit {
    const raw = res.headers['set-cookie'] as unknown;
    const setCookies = Array.isArray(raw) ? (raw as string[]) : raw ? [String(raw)] : [];
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair.trim().split('=');
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()));
      if (expired) this.jar.get(target.host)?.delete(name);
      else this.setCookie(target.host, name, value.join('='));
    }
    return {
      status: res.status,
      url: target.href,
      location: res.headers.location as string | undefined,
      text: res.text,
      body: res.body,
      setCookies,
    };
  }
}

/** The hidden fields of the emulator's consent form, plus the chosen button. */
export function consentForm(html: string, decision: 'allow' | 'deny'): Record<string, string> {
  const form: Record<string, string> = { decision };
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form[match[1]] = match[2]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return form;
}
