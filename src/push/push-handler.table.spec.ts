import { type PushSubscription } from './push-handler.decorators.js';
import { type PushHandler, PushHandlerError, PushHandlerTable } from './push-handler.table.js';
import { type WeChatPush } from './push-message.types.js';

function handler(name: string, subscription: PushSubscription): PushHandler {
  return { name, subscription, invoke: () => Promise.resolve(name) };
}

function text(content: string): WeChatPush {
  return {
    ToUserName: 'gh_1',
    FromUserName: 'o1',
    CreateTime: 1,
    MsgType: 'text',
    Content: content,
    MsgId: '1',
  } as WeChatPush;
}

function event(name: string, fields: Record<string, unknown> = {}): WeChatPush {
  return {
    ToUserName: 'gh_1',
    FromUserName: 'o1',
    CreateTime: 1,
    MsgType: 'event',
    Event: name,
    ...fields,
  } as WeChatPush;
}

function table(...handlers: PushHandler[]): { table: PushHandlerTable; warnings: string[] } {
  const warnings: string[] = [];
  return { table: new PushHandlerTable(handlers, (w) => warnings.push(w)), warnings };
}

describe('PushHandlerTable', () => {
  const all = table(
    handler('regexHelp', { kind: 'message', type: 'text', filter: /^he/ }),
    handler('exactHelp', { kind: 'message', type: 'text', filter: 'help' }),
    handler('anyText', { kind: 'message', type: 'text' }),
    handler('anyMessage', { kind: 'message' }),
    handler('clickBuy', { kind: 'event', type: 'CLICK', filter: 'BUY' }),
    handler('anyClick', { kind: 'event', type: 'CLICK' }),
    handler('qrShop', { kind: 'event', type: 'subscribe', filter: 'shop' }),
    handler('scanShop', { kind: 'event', type: 'SCAN', filter: 'shop' }),
    handler('anyEvent', { kind: 'event' }),
  ).table;

  it.each([
    ['an exact string filter, before a RegExp that also matches', text(' help '), 'exactHelp'],
    ['a RegExp filter', text('hello'), 'regexHelp'],
    ['the type without a filter', text('bye'), 'anyText'],
    ['the kind fallback for another type', { ...text(''), MsgType: 'image' }, 'anyMessage'],
    [
      'the fallback for a type nobody knows',
      { ...text(''), MsgType: 'miniprogrampage' },
      'anyMessage',
    ],
    ['an event key filter', event('CLICK', { EventKey: 'BUY' }), 'clickBuy'],
    ['the event type without a filter', event('CLICK', { EventKey: 'SELL' }), 'anyClick'],
    [
      'a QR subscribe by its scene',
      event('subscribe', { EventKey: 'qrscene_shop', scene: 'shop' }),
      'qrShop',
    ],
    ['a SCAN by its scene', event('SCAN', { EventKey: 'shop', scene: 'shop' }), 'scanShop'],
    ['a plain subscribe to the event fallback', event('subscribe'), 'anyEvent'],
    ['an unknown event to the event fallback', event('debug_demo'), 'anyEvent'],
  ])('chooses %s', (_what, push, expected) => {
    expect(all.find(push as WeChatPush)?.name).toBe(expected);
  });

  it('finds nothing when no handler subscribes', () => {
    const only = table(handler('anyText', { kind: 'message', type: 'text' })).table;
    expect(only.find(event('CLICK'))).toBeUndefined();
    expect(only.find({ ...text(''), MsgType: 'image' } as WeChatPush)).toBeUndefined();
  });

  it.each<[string, PushHandler[], RegExp]>([
    [
      'two handlers of one type without a filter',
      [
        handler('a', { kind: 'message', type: 'text' }),
        handler('b', { kind: 'message', type: 'text' }),
      ],
      /b \(@OnWeChatMessage\) and a both answer message "text" without a filter/,
    ],
    [
      'two fallbacks',
      [handler('a', { kind: 'event' }), handler('b', { kind: 'event' })],
      /both answer every event/,
    ],
    [
      'one string filter twice',
      [
        handler('a', { kind: 'event', type: 'CLICK', filter: 'K' }),
        handler('b', { kind: 'event', type: 'CLICK', filter: 'K' }),
      ],
      /with the filter "K"/,
    ],
    [
      'one RegExp twice',
      [
        handler('a', { kind: 'message', type: 'text', filter: /x/i }),
        handler('b', { kind: 'message', type: 'text', filter: /x/i }),
      ],
      /with the filter \/x\/i/,
    ],
    [
      'a type in the wrong case',
      [handler('a', { kind: 'event', type: 'click' })],
      /spells the event type "CLICK"/,
    ],
    [
      'a filter on an image',
      [handler('a', { kind: 'message', type: 'image', filter: 'x' })],
      /needs the type 'text'/,
    ],
    [
      'an event filter without a type',
      [handler('a', { kind: 'event', filter: 'x' })],
      /needs an event type/,
    ],
    [
      'a global RegExp',
      [handler('a', { kind: 'message', type: 'text', filter: /x/g })],
      /g or y flag/,
    ],
    [
      'an empty filter',
      [handler('a', { kind: 'message', type: 'text', filter: '  ' })],
      /must not be empty/,
    ],
    [
      'events as a message type',
      [handler('a', { kind: 'message', type: 'event' })],
      /@OnWeChatEvent/,
    ],
  ])('refuses %s at start-up', (_what, handlers, message) => {
    expect(() => table(...handlers)).toThrow(PushHandlerError);
    expect(() => table(...handlers)).toThrow(message);
  });

  it('accepts RegExps that can never match one text, and warns of those that may', () => {
    const disjoint = table(
      handler('help', { kind: 'message', type: 'text', filter: /^help/ }),
      handler('order', { kind: 'message', type: 'text', filter: /^order \d+/ }),
    );
    expect(disjoint.warnings).toEqual([]);
    const overlapping = table(
      handler('a', { kind: 'message', type: 'text', filter: /^ord/ }),
      handler('b', { kind: 'message', type: 'text', filter: /^order/i }),
      handler('c', { kind: 'message', type: 'text', filter: /^x|order/ }),
    );
    expect(overlapping.warnings).toHaveLength(3);
    expect(overlapping.warnings[0]).toMatch(
      /a \(\/\^ord\/\) and b \(\/\^order\/i\) may both match/,
    );
    expect(overlapping.table.find(text('order 5'))?.name).toBe('a');
  });
});
