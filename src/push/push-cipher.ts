import { createCipheriv, createDecipheriv, type Decipher } from 'node:crypto';
import { pooledRandomBytes } from '../common/random-pool.js';

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const AES_BLOCK = 16;
// wechat-push.md section 4: PKCS#7 to a multiple of 32 bytes, so pad values run 1..32.
const PAD_BLOCK = 32;
const RANDOM_LENGTH = 16;
const HEADER_LENGTH = RANDOM_LENGTH + 4;

/** Whether `key` has the EncodingAESKey format: 43 characters of `[A-Za-z0-9]`. */
export function isEncodingAesKey(key: unknown): key is string {
  return typeof key === 'string' && ENCODING_AES_KEY.test(key);
}

/** Why an `Encrypt` value could not be decrypted. */
export type PushDecryptFailure = 'base64' | 'length' | 'padding' | 'layout';

/** Thrown when an `Encrypt` value is not a message of this key; says why, never the key or text. */
export class PushDecryptError extends Error {
  override readonly name = 'PushDecryptError';

  constructor(
    readonly reason: PushDecryptFailure,
    problem: string,
  ) {
    super(`Cannot decrypt the pushed message: ${problem}`);
  }
}

/** A decrypted push: the message and the appId it was encrypted for (the caller compares it). */
export interface DecryptedPush {
  message: string;
  appId: string;
}

/**
 * WeChat's push cipher (wechat-push.md section 4): AES-256-CBC, key `base64(EncodingAESKey + '=')`,
 * IV its first 16 bytes, over `random(16) + uint32 BE byte length + message + appId`.
 */
export class PushCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  // AES itself, block by block: CBC decryption is D(C[i]) XOR C[i-1], so one long-lived ECB
  // context serves every message (creating a CBC context per message costs more than the AES).
  // It is only ever given whole blocks and never finalised, so it holds no state between calls.
  private readonly blockDecipher: Decipher;

  constructor(encodingAesKey: string) {
    if (!isEncodingAesKey(encodingAesKey)) {
      throw new RangeError('An EncodingAESKey is 43 characters of [A-Za-z0-9]');
    }
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, AES_BLOCK);
    this.blockDecipher = createDecipheriv('aes-256-ecb', this.key, null).setAutoPadding(false);
  }

  /** The base64 `Encrypt` value of `message` for `appId`; pass `random16` only to test vectors. */
  encrypt(
    message: string,
    appId: string,
    random16: Buffer = pooledRandomBytes(RANDOM_LENGTH),
  ): string {
    if (random16.length !== RANDOM_LENGTH) throw new RangeError('random16 must be 16 bytes');
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const unpadded = Buffer.concat([random16, length, body, Buffer.from(appId, 'utf8')]);
    const pad = PAD_BLOCK - (unpadded.length % PAD_BLOCK);
    const plain = Buffer.concat([unpadded, Buffer.alloc(pad, pad)]);
    // Node's padding works on 16-byte blocks; WeChat's on 32 (section 4), so it is done by hand.
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /**
   * The message and appId inside an `Encrypt` value; throws `PushDecryptError`. Check
   * `msg_signature` first: it is what keeps tampered ciphertexts (a padding oracle) out.
   */
  decrypt(encrypted: string): DecryptedPush {
    const data = decodeBase64(encrypted);
    // A multiple of the AES block is enough to decrypt; WeChat's own are multiples of 32.
    if (data.length === 0 || data.length % AES_BLOCK !== 0) {
      throw new PushDecryptError('length', 'not a whole number of AES blocks');
    }
    const plain = this.decryptCbc(data);
    const body = plain.subarray(0, plain.length - padLength(plain));
    if (body.length < HEADER_LENGTH) throw new PushDecryptError('layout', 'too short');
    const messageEnd = HEADER_LENGTH + body.readUInt32BE(RANDOM_LENGTH);
    if (messageEnd > body.length) {
      throw new PushDecryptError('layout', 'the message length does not fit');
    }
    return {
      message: body.toString('utf8', HEADER_LENGTH, messageEnd),
      appId: body.toString('utf8', messageEnd),
    };
  }

  private decryptCbc(data: Buffer): Buffer {
    const plain = this.blockDecipher.update(data);
    if (plain.length !== data.length) throw new Error('AES-ECB kept back part of the input');
    // Backwards, so each block is XORed with the ciphertext block before it (the IV for the first).
    for (let i = plain.length - 1; i >= 0; i--) {
      plain[i] ^= i < AES_BLOCK ? this.iv[i] : data[i - AES_BLOCK];
    }
    return plain;
  }
}

function decodeBase64(encoded: string): Buffer {
  // Node's decoder skips characters it does not know: only a string that is exactly the
  // (canonical, padded) base64 of what it decodes to is taken.
  if (typeof encoded !== 'string' || encoded.length % 4 !== 0) {
    throw new PushDecryptError('base64', 'not base64');
  }
  const data = Buffer.from(encoded, 'base64');
  if (data.toString('base64') !== encoded) throw new PushDecryptError('base64', 'not base64');
  return data;
}

function padLength(plain: Buffer): number {
  const pad = plain[plain.length - 1];
  let mismatch = pad < 1 || pad > PAD_BLOCK || pad > plain.length ? 1 : 0;
  // Every pad byte is looked at, whatever the first mismatch, so timing says little.
  for (let i = Math.max(0, plain.length - pad); i < plain.length; i++) {
    mismatch |= plain[i] ^ pad;
  }
  if (mismatch !== 0) throw new PushDecryptError('padding', 'bad padding');
  return pad;
}
