/**
 * The chat page's script, inline and allowed by its hash (chat-page.ts). Plain DOM, no framework:
 * it loads `/emulator/chat/state`, posts what the user does to `/emulator/chat/send`, and builds
 * every node with `textContent`, so nothing the users or the app wrote is ever parsed as HTML.
 * Written as a raw string: no backticks and no `${` inside.
 */
export const CHAT_PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const BASE = '/emulator/chat';
  const $ = (id) => document.getElementById(id);
  let openid = new URLSearchParams(location.search).get('openid') || '';
  let latest = 0;
  let inFlight = 0;

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const showError = (message) => {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  };

  const api = async (path, init) => {
    const response = await fetch(BASE + path, init);
    let body = {};
    try {
      body = await response.json();
    } catch (ignored) {
      body = {};
    }
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    return body;
  };

  const sameOrigin = (url) => {
    try {
      return new URL(url, location.href).origin === location.origin;
    } catch (ignored) {
      return false;
    }
  };

  const isWebUrl = (url) => {
    try {
      const protocol = new URL(url).protocol;
      return protocol === 'http:' || protocol === 'https:';
    } catch (ignored) {
      return false;
    }
  };

  const kindClass = (kind) => 'kind-' + String(kind).replace(/[^A-Za-z0-9_-]/g, '');

  const entryNode = (entry) => {
    const row = el('div', 'entry from-' + entry.from + ' ' + kindClass(entry.kind));
    if (entry.from === 'system' || entry.kind === 'action') {
      row.append(el('span', 'line', entry.text));
      if (entry.detail) row.append(el('small', 'detail', entry.detail));
    } else {
      row.append(el('div', 'bubble', entry.text));
    }
    return row;
  };

  const scrollDown = () => {
    const list = $('conversation');
    list.scrollTop = list.scrollHeight;
  };

  const renderPicker = (state) => {
    const select = $('user-picker');
    const prompt = el('option', '', state.users.length ? 'Pick a user…' : 'No users yet');
    prompt.value = '';
    prompt.disabled = true;
    const options = state.users.map((user) => {
      const label = user.nickname + ' (' + user.openid + ')' + (user.subscribed ? '' : ' · not following');
      const option = el('option', '', label);
      option.value = user.openid;
      return option;
    });
    select.replaceChildren(prompt, ...options);
    select.value = state.user ? state.user.openid : '';
    $('no-users').hidden = state.users.length > 0;
  };

  const closeSubmenus = (except) => {
    for (const list of document.querySelectorAll('#menu .submenu')) {
      if (list !== except) list.hidden = true;
    }
  };

  const menuLeaf = (button, enabled) => {
    if (button.type === 'view' && isWebUrl(button.url) && enabled) {
      const link = el('a', 'menu-button', button.name);
      link.href = button.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.addEventListener('click', () => {
        closeSubmenus(null);
        send({ action: 'view', url: button.url });
      });
      return link;
    }
    const node = el('button', 'menu-button', button.name);
    node.type = 'button';
    if (button.type === 'click') {
      node.disabled = !enabled;
      node.addEventListener('click', () => {
        closeSubmenus(null);
        send({ action: 'click', key: button.key });
      });
    } else {
      node.disabled = true;
      if (button.type !== 'view') {
        node.title = 'a ' + button.type + ' button: the emulator does not play it';
      }
    }
    return node;
  };

  const renderMenu = (buttons, enabled) => {
    const nav = $('menu');
    nav.hidden = buttons.length === 0;
    nav.replaceChildren(
      ...buttons.map((button) => {
        const item = el('div', 'menu-item');
        if (button.type || !Array.isArray(button.sub_button)) {
          item.append(menuLeaf(button, enabled));
          return item;
        }
        const list = el('div', 'submenu');
        list.hidden = true;
        list.append(...button.sub_button.map((sub) => menuLeaf(sub, enabled)));
        const toggle = el('button', 'menu-button menu-parent', button.name);
        toggle.type = 'button';
        toggle.disabled = !enabled;
        toggle.addEventListener('click', () => {
          closeSubmenus(list);
          list.hidden = !list.hidden;
        });
        item.append(list, toggle);
        return item;
      }),
    );
  };

  const renderQrCodes = (codes) => {
    const list = $('qr-codes');
    $('qr-count').textContent = String(codes.length);
    if (codes.length === 0) {
      list.replaceChildren(el('li', 'hint', 'The app has created no QR code yet (qrcode/create).'));
      return;
    }
    list.replaceChildren(
      ...codes.map((code) => {
        const item = el('li', 'qr');
        const when = code.permanent
          ? 'permanent'
          : code.expired
            ? 'expired'
            : 'until ' + new Date(code.expiresAt).toLocaleString();
        const scan = el('button', 'scan', 'Scan');
        scan.type = 'button';
        scan.dataset.scene = code.scene;
        scan.disabled = code.expired;
        scan.addEventListener('click', () => send({ action: 'scan', ticket: code.ticket }));
        item.append(el('span', 'qr-scene', code.scene), el('small', 'qr-when', when), scan);
        return item;
      }),
    );
  };

  const render = (state) => {
    $('account').textContent = state.account.originalId;
    renderPicker(state);
    const user = state.user;
    document.body.classList.toggle('no-user', !user);
    if (!user) return;
    const avatar = $('avatar');
    avatar.hidden = !sameOrigin(user.avatar);
    if (!avatar.hidden) avatar.src = user.avatar;
    $('follow-state').textContent = user.subscribed ? 'Following' : 'Not following';
    $('follow').hidden = user.subscribed;
    $('unfollow').hidden = !user.subscribed;
    $('not-following').hidden = user.subscribed;
    $('message').disabled = !user.subscribed;
    $('send').disabled = !user.subscribed;
    renderQrCodes(state.qrCodes);
    renderMenu(state.menu, user.subscribed);
    $('conversation').replaceChildren(...state.conversation.map(entryNode));
    scrollDown();
  };

  const load = async () => {
    const ticket = ++latest;
    try {
      const query = openid ? '?openid=' + encodeURIComponent(openid) : '';
      const state = await api('/state' + query);
      if (ticket === latest) render(state);
    } catch (error) {
      if (ticket !== latest) return;
      showError(error.message);
      // An openid the emulator does not know (an old link): start again with the picker.
      if (openid) {
        openid = '';
        history.replaceState(null, '', location.pathname);
        await load();
      }
    }
  };

  const setTyping = (delta) => {
    inFlight += delta;
    $('typing').hidden = inFlight === 0;
  };

  const send = async (action) => {
    if (!openid) return;
    showError('');
    setTyping(1);
    try {
      await api('/send', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(Object.assign({ openid }, action)),
      });
    } catch (error) {
      showError(error.message);
    } finally {
      setTyping(-1);
    }
    await load();
  };

  const sendText = () => {
    const box = $('message');
    const content = box.value;
    if (box.disabled || content.trim() === '') return;
    box.value = '';
    const pending = entryNode({ from: 'user', kind: 'text', text: content });
    pending.classList.add('pending');
    $('conversation').append(pending);
    scrollDown();
    send({ action: 'text', content });
  };

  $('user-picker').addEventListener('change', (event) => {
    openid = event.target.value;
    history.replaceState(null, '', '?openid=' + encodeURIComponent(openid));
    showError('');
    load();
  });
  $('follow').addEventListener('click', () => send({ action: 'follow' }));
  $('unfollow').addEventListener('click', () => send({ action: 'unfollow' }));
  $('send').addEventListener('click', sendText);
  $('message').addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter breaks the line; Enter that ends an IME composition does neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendText();
    }
  });
  document.addEventListener('click', (event) => {
    if (!$('menu').contains(event.target)) closeSubmenus(null);
  });
  load();
})();
`;
