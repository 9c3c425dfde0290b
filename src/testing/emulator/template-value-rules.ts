/**
 * What a value of each typed template key may hold, by the table "类目模板消息参数值内容限制说明" of
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 * (the same table is on the subscription-notification pages). A key's type is its name without
 * the trailing number: `thing1` is a thing, `character_string21` a character_string. WeChat
 * answers a value that breaks its rule with 47003 "argument invalid! data.KEY.value invalid".
 *
 * Not checked: `const`/`enum` values (an enumeration reviewed per template, which the emulator
 * does not hold) and key types the table does not list (`short_thing`...).
 */
const HAN = /\p{Script=Han}/u;
const DATE = String.raw`(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})`;
const CLOCK = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
// "支持填时间段，两个时间点之间用“~”符号连接".
const span = (point: string) => new RegExp(`^${point}(?:\\s*~\\s*${point})?$`);

const RULES: Record<string, (value: string, chars: string[]) => boolean> = {
  // 事物: 20个以内字符, 可汉字、数字、字母或符号组合.
  thing: (_v, chars) => chars.length <= 20,
  // 数字: 32位以内数字, 只能数字, 可带小数.
  number: (v) => v.length <= 32 && /^\d+(?:\.\d+)?$/.test(v),
  // 字母: 32位以内字母, 只能字母.
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  // 符号: 5位以内符号, 只能符号.
  symbol: (_v, chars) => chars.length <= 5 && chars.every((c) => /^[\p{P}\p{S}]$/u.test(c)),
  // 字符串: 32位以内数字、字母或符号 (no Chinese).
  character_string: (v) => /^[\x20-\x7e]{1,32}$/.test(v),
  // 时间: 24小时制时间格式(支持+年月日), e.g. 15:01 or 2019年10月1日 15:01.
  time: (v) => span(`(?:${DATE}\\s*)?${CLOCK}`).test(v),
  // 日期: 年月日格式(支持+24小时制时间), e.g. 2019年10月1日 or 2019年10月1日 15:01.
  date: (v) => span(`${DATE}(?:\\s*${CLOCK})?`).test(v),
  // 金额: 1个币种符号+10位以内纯数字, 可带小数, 结尾可带“元”.
  amount: (v) => /^\p{Sc}\d{1,10}(?:\.\d+)?元?$/u.test(v),
  // 电话: 17位以内, 数字、符号.
  phone_number: (_v, chars) =>
    chars.length <= 17 && chars.every((c) => /^[\d\p{P}\p{S} ]$/u.test(c)),
  // 车牌: 8位以内, 第一位与最后一位可为汉字, 其余为字母或数字.
  car_number: (_v, chars) =>
    chars.length <= 8 &&
    chars.every(
      (c, i) => /^[A-Za-z0-9]$/.test(c) || ((i === 0 || i === chars.length - 1) && HAN.test(c)),
    ),
  // 姓名: 10个以内纯汉字或20个以内纯字母或符号; 中文和字母混合按中文名算, 10个字内.
  name: (v, chars) =>
    chars.some((c) => HAN.test(c))
      ? chars.length <= 10 && !/\d/.test(v)
      : chars.length <= 20 && /^[\p{L}\p{P}\p{S} ]+$/u.test(v),
  // 汉字: 5个以内纯汉字.
  phrase: (_v, chars) => chars.length <= 5 && chars.every((c) => HAN.test(c)),
};

/** Whether `value` fits the rule of the key's type; keys of no listed type always fit. */
export function fitsKeyType(key: string, value: string): boolean {
  const rule = RULES[key.replace(/\d+$/, '')];
  return !rule || rule(value, [...value]);
}
