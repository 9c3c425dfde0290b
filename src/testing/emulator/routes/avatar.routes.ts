import { escapeHtml } from '../../../common/escape-html.js';
import { type EmulatorRouter } from '../emulator-router.js';
import { type EmulatorUsers } from '../emulator-users.js';

export const AVATAR_PREFIX = '/mmopen/';

const COLORS = ['#07c160', '#10aeff', '#fa9d3b', '#fa5151', '#6467f0', '#1485ee'];

/** Avatar images (`headimgurl`), as WeChat's image host serves them: an initial on a colour. */
export function registerAvatarRoutes(router: EmulatorRouter, users: EmulatorUsers): void {
  router.routePrefix(AVATAR_PREFIX, (req) => {
    const openid = req.path.slice(AVATAR_PREFIX.length).split('/')[0];
    const user = users.get(openid);
    if (!user) return { raw: { status: 404, body: 'no such avatar' } };
    const initial = escapeHtml([...user.nickname][0] ?? '?');
    const color = COLORS[[...openid].reduce((sum, c) => sum + c.charCodeAt(0), 0) % COLORS.length];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132" viewBox="0 0 132 132">
<rect width="132" height="132" rx="12" fill="${color}"/>
<text x="66" y="88" font-size="64" text-anchor="middle" fill="#fff" font-family="sans-serif">${initial}</text></svg>`;
    return { raw: { status: 200, headers: { 'Content-Type': 'image/svg+xml' }, body: svg } };
  });
}
