import { type EmulatorClock } from './emulator-clock.js';

/**
 * A WeChat user of the emulated account, as `addUser` takes it. No sex, place or language:
 * WeChat has not returned them since 2021 (`/sns/userinfo` answers 0 and empty strings,
 * `user/info` no longer has `language`).
 */
export interface EmulatorUserInput {
  openid: string;
  nickname?: string;
  headimgurl?: string;
  /** Only users whose account is bound to an Open Platform account have one. */
  unionid?: string;
  /** Follows the Official Account; default true. */
  subscribed?: boolean;
  /** A snapshot-page virtual user (`is_snapshotuser: 1`). */
  snapshotUser?: boolean;
  /** The account's note on the user (`user/info/updateremark`); default ''. */
  remark?: string;
  /** When the user followed, in epoch seconds; default the emulator clock at `addUser`. */
  subscribeTime?: number;
  /** How the user came to follow (`ADD_SCENE_SEARCH`, ...); default 'ADD_SCENE_QR_CODE'. */
  subscribeScene?: string;
  /** The scene of the QR code the user followed through; default 0 and ''. */
  qrScene?: number;
  qrSceneStr?: string;
}

/** A user the emulator knows, with every field filled in (what `user(openid)` returns). */
export interface EmulatorUser extends Required<Omit<EmulatorUserInput, 'unionid'>> {
  unionid?: string;
  /** Has consented to snsapi_userinfo for this account. */
  consented: boolean;
  /** The account's tags on the user (`tags/members/batchtagging`), in tagging order. */
  tagIds: number[];
}

const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** The users of the emulated account, and who is signed in to the emulated WeChat client. */
export class EmulatorUsers {
  private readonly users = new Map<string, EmulatorUser>();
  private signedIn?: string;

  constructor(private readonly clock: EmulatorClock) {}

  add(input: EmulatorUserInput): EmulatorUser {
    if (!OPENID.test(input.openid ?? '')) {
      throw new Error(
        `addUser: openid must be 6-64 characters of A-Za-z0-9_-, got ${JSON.stringify(input.openid)}`,
      );
    }
    const user: EmulatorUser = {
      nickname: `User ${input.openid.slice(-4)}`,
      headimgurl: '',
      subscribed: true,
      snapshotUser: false,
      remark: '',
      subscribeTime: Math.floor(this.clock.now() / 1000),
      subscribeScene: 'ADD_SCENE_QR_CODE',
      qrScene: 0,
      qrSceneStr: '',
      ...input,
      consented: false,
      tagIds: [],
    };
    this.users.set(user.openid, user);
    return user;
  }

  get(openid: string | undefined | null): EmulatorUser | undefined {
    return openid ? this.users.get(openid) : undefined;
  }

  all(): EmulatorUser[] {
    return [...this.users.values()];
  }

  /** Users who follow the account, in the order they were added. */
  followers(): EmulatorUser[] {
    return this.all().filter((user) => user.subscribed);
  }

  signIn(openid: string): void {
    if (!this.users.has(openid)) throw new Error(`signIn: no user ${openid}; addUser first`);
    this.signedIn = openid;
  }

  signOut(): void {
    this.signedIn = undefined;
  }

  current(): EmulatorUser | undefined {
    return this.get(this.signedIn);
  }
}
