import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { isEncodingAesKey, PushCipher, PushDecryptError } from './push-cipher.js';

// Test vectors of wechat-push.md section 9. Their "random" values are 16 ASCII characters.
const KEY_A = 'A'.repeat(43);
const KEY_V2 = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const V1 = {
  encrypt:
    '+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=',
  random: 'a8eedb185eb2fecf',
  message:
    '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}',
  appId: 'wxba5fad812f8e6fb9',
};
const V1_REPLY = {
  encrypt:
    'ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==',
  random: '707722b803182950',
  message: '{"demo_resp":"good luck"}',
  appId: 'wxba5fad812f8e6fb9',
};
const V2 = {
  encrypt:
    'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  random: 'aaaabbbbccccdddd',
  message: '我是中文abcd123',
  appId: 'wxb11529c136998cb6',
};
const V3 = {
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  random: '89465c840c5f116f',
  message:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
  appId: 'wx2c2769f8efd9abc2',
};
const V4 = {
  encrypt:
    'rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==',
  // Not in the source; read from the plaintext and proven by re-encrypting below.
  random: 'd43123b161a4ba84',
  message:
    '<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>',
  appId: 'wxb11529c136998cb6',
};
const V6 = {
  encrypt:
    'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==',
  random: '1205899eaf019bbd',
  message:
    '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>',
  // The Open Platform's own appid, not the authorizer's.
  appId: 'wx134c8103faa5a59e',
};
const V6_REPLY = {
  encrypt:
    'hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7',
  random: '999951349e8ee746',
  message: '<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>',
  appId: 'wx134c8103faa5a59e',
};

/** The decrypted bytes, padding included, read with node:crypto alone. */
function rawPlaintext(encodingAesKey: string, encrypted: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
}

function decryptError(cipher: PushCipher, encrypted: string): PushDecryptError {
  try {
    cipher.decrypt(encrypted);
  } catch (error) {
    if (error instanceof PushDecryptError) return error;
    throw error;
  }
  throw new Error('decrypt did not throw');
}

function flipByte(encrypted: string, index: number): string {
  const data = Buffer.from(encrypted, 'base64');
  data[index] ^= 0x01;
  return data.toString('base64');
}

describe('isEncodingAesKey', () => {
  it('accepts 43 characters of [A-Za-z0-9]', () => {
    expect(isEncodingAesKey(KEY_A)).toBe(true);
    expect(isEncodingAesKey(KEY_V2)).toBe(true);
  });

  it.each([
    ['42 characters', KEY_V2.slice(1)],
    ['44 characters', `${KEY_V2}A`],
    ['a base64 "+"', `${KEY_V2.slice(1)}+`],
    ['the "=" already added', `${KEY_V2.slice(1)}=`],
    ['a space', `${KEY_V2.slice(1)} `],
    ['not a string', 43],
    ['undefined', undefined],
  ])('refuses %s', (_name, key) => {
    expect(isEncodingAesKey(key)).toBe(false);
  });

  it('is what the constructor checks, without echoing the key', () => {
    expect(() => new PushCipher('secret-key')).toThrow(RangeError);
    expect(() => new PushCipher('secret-key')).not.toThrow(/secret-key/);
  });
});

describe('PushCipher', () => {
  describe('reproduces the test vectors byte for byte', () => {
    it.each([
      ['V1 safe POST', KEY_A, V1, 167, 19],
      ['V1 reply', KEY_A, V1_REPLY, 25, 1],
      ['V2 (multi-byte UTF-8)', KEY_V2, V2, 19, 7],
      ['V3 compatible-mode', KEY_V2, V3, 280, 2],
      ['V4', KEY_V2, V4, 293, 21],
      ['V6 Open Platform', KEY_A, V6, 292, 22],
      ['V6 reply', KEY_A, V6_REPLY, 52, 6],
    ])('%s', (_name, key, vector, length, pad) => {
      const cipher = new PushCipher(key);
      expect(cipher.decrypt(vector.encrypt)).toEqual({
        message: vector.message,
        appId: vector.appId,
      });
      expect(cipher.encrypt(vector.message, vector.appId, Buffer.from(vector.random))).toBe(
        vector.encrypt,
      );
      const plain = rawPlaintext(key, vector.encrypt);
      expect(plain.subarray(0, 16).toString('latin1')).toBe(vector.random);
      // The length field counts UTF-8 bytes: 19 for V2's 11 characters.
      expect(plain.readUInt32BE(16)).toBe(length);
      expect(plain[plain.length - 1]).toBe(pad);
      expect(plain.length % 32).toBe(0);
    });
  });

  describe('round trips', () => {
    const cipher = new PushCipher(KEY_V2);
    const appId = 'wxb11529c136998cb6'; // 18 bytes: random + length + appId = 38 bytes

    it.each([
      // 38 + 25 = 63 bytes: one byte of padding to 64.
      [1, 25],
      // 38 + 37 = 75 bytes: 21 bytes of padding to 96.
      [21, 37],
      // 38 + 26 = 64 bytes: a whole block of 32 padding bytes.
      [32, 26],
    ])('pads with %i byte(s) and decrypts back', (pad, messageLength) => {
      const message = 'm'.repeat(messageLength);
      const encrypted = cipher.encrypt(message, appId);
      const plain = rawPlaintext(KEY_V2, encrypted);
      expect(plain.subarray(plain.length - pad)).toEqual(Buffer.alloc(pad, pad));
      expect(plain[plain.length - pad - 1]).not.toBe(pad); // the last byte of the appId
      expect(cipher.decrypt(encrypted)).toEqual({ message, appId });
    });

    it('keeps an empty message, Chinese text, emoji and surrounding spaces exactly', () => {
      for (const message of ['', '  中文 😀 <a>&amp;]]>  ', '\n']) {
        expect(cipher.decrypt(cipher.encrypt(message, appId))).toEqual({ message, appId });
      }
    });

    it('uses a fresh random prefix for each message', () => {
      expect(cipher.encrypt('hello', appId)).not.toBe(cipher.encrypt('hello', appId));
    });

    it('refuses a random prefix that is not 16 bytes', () => {
      expect(() => cipher.encrypt('hello', appId, Buffer.alloc(15))).toThrow(RangeError);
    });

    it('returns the appId it finds; another account’s message fails under this key', () => {
      const other = new PushCipher(KEY_A);
      const encrypted = other.encrypt('hi', 'wxother', Buffer.from('0123456789abcdef'));
      expect(other.decrypt(encrypted).appId).toBe('wxother');
      expect(() => cipher.decrypt(encrypted)).toThrow(PushDecryptError);
    });

    it('decrypts a ciphertext padded to 16 bytes, as a generic PKCS#7 encoder would', () => {
      // random(16) + length(4) + "hello"(5) + appId(18) = 43 bytes, padded with 5 to 48.
      const key = Buffer.from(`${KEY_V2}=`, 'base64');
      const plain = Buffer.concat([
        Buffer.alloc(16, 7),
        Buffer.from([0, 0, 0, 5]),
        Buffer.from('hello'),
        Buffer.from(appId),
      ]);
      const node = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)); // auto-padding: 16
      const encrypted = Buffer.concat([node.update(plain), node.final()]).toString('base64');
      expect(Buffer.from(encrypted, 'base64')).toHaveLength(48);
      expect(cipher.decrypt(encrypted)).toEqual({ message: 'hello', appId });
    });
  });

  describe('refuses what is not a message of this key', () => {
    const cipher = new PushCipher(KEY_V2);

    it('refuses a tampered last block by its padding, never returning the original', () => {
      const last = Buffer.from(V4.encrypt, 'base64').length - 1;
      expect(decryptError(cipher, flipByte(V4.encrypt, last)).reason).toBe('padding');
      for (let index = last - 15; index <= last; index++) {
        let result: unknown;
        try {
          result = cipher.decrypt(flipByte(V4.encrypt, index));
        } catch (error) {
          expect(error).toBeInstanceOf(PushDecryptError);
          continue;
        }
        expect(result).not.toEqual({ message: V4.message, appId: V4.appId });
      }
    });

    it('garbles the message for a byte flipped in the middle: CBC alone has no integrity', () => {
      // The byte's block decrypts to noise and the next block gets the flipped bit, while the
      // padding and appId stay intact. Only msg_signature, checked first, refuses this.
      const result = cipher.decrypt(flipByte(V4.encrypt, 100));
      expect(result.message).not.toBe(V4.message);
      expect(result.message).toContain('</ToTserName>'); // 'U' ^ 0x01 in the next block
      expect(result.appId).toBe(V4.appId);
    });

    it('refuses a pad byte changed to a value outside 1..32', () => {
      // Flipping a bit of the second-to-last block flips the same bit of the last plaintext block.
      const data = Buffer.from(V4.encrypt, 'base64');
      data[data.length - 17] ^= 21 ^ 33; // pad byte 21 becomes 33
      expect(decryptError(cipher, data.toString('base64')).reason).toBe('padding');
    });

    it('refuses pad bytes that are not all equal', () => {
      const data = Buffer.from(V4.encrypt, 'base64');
      data[data.length - 18] ^= 0x01; // the second-to-last pad byte becomes 20
      expect(decryptError(cipher, data.toString('base64')).reason).toBe('padding');
    });

    it('refuses a truncated ciphertext', () => {
      const data = Buffer.from(V4.encrypt, 'base64');
      // Whole blocks dropped: the new last block decrypts to random-looking padding.
      expect(decryptError(cipher, data.subarray(0, 320).toString('base64')).reason).toBe('padding');
      expect(decryptError(cipher, data.subarray(0, 350).toString('base64')).reason).toBe('length');
    });

    it('refuses a declared message length that does not fit', () => {
      const key = Buffer.from(`${KEY_V2}=`, 'base64');
      const plain = Buffer.concat([
        Buffer.alloc(16),
        Buffer.from([0, 0, 1, 0]),
        Buffer.alloc(44, 12),
      ]);
      const node = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
      const encrypted = Buffer.concat([node.update(plain), node.final()]).toString('base64');
      const error = decryptError(cipher, encrypted);
      expect(error.reason).toBe('layout');
    });

    it.each([
      ['the empty string', '', 'length'],
      ['a character outside base64', `${V4.encrypt.slice(0, -4)}ab*=`, 'base64'],
      ['URL-safe base64', V4.encrypt.replace(/\+/g, '-'), 'base64'],
      ['a line break', `${V4.encrypt.slice(0, 76)}\n${V4.encrypt.slice(76)}`, 'base64'],
      ['missing padding', V4.encrypt.replace(/=+$/, ''), 'base64'],
      ['padding in the middle', `AA==${V4.encrypt}`, 'base64'],
      ['base64 of 15 bytes', Buffer.alloc(15).toString('base64'), 'length'],
      ['base64 of 33 bytes', Buffer.alloc(33).toString('base64'), 'length'],
      // One block decrypts to 16 bytes: bad padding, or too short once unpadded.
      ['base64 of 16 bytes', Buffer.alloc(16).toString('base64'), 'padding|layout'],
    ])('refuses %s', (_name, encrypted, reasons) => {
      const error = decryptError(cipher, encrypted);
      expect(reasons.split('|')).toContain(error.reason);
      expect(error.name).toBe('PushDecryptError');
      expect(error).toBeInstanceOf(Error);
    });

    it('never puts the key or the plaintext in its message', () => {
      const other = new PushCipher(KEY_A);
      const messages = [
        decryptError(other, V4.encrypt).message,
        decryptError(cipher, flipByte(V4.encrypt, 351)).message,
        decryptError(cipher, '@@@@').message,
      ];
      for (const message of messages) {
        expect(message).not.toContain(KEY_V2);
        expect(message).not.toContain(KEY_A);
        expect(message).not.toContain('asdasd');
        expect(message).not.toContain('@@@@');
      }
    });
  });
});
