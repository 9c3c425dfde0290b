import { WeChatEmulator } from '../src/testing/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET } from './bench-app.js';

// The emulator in a process of its own, so that it does not share the measured process's CPU.
if (process.send) {
  const emulator = await WeChatEmulator.start({
    appId: BENCH_APP_ID,
    appSecret: BENCH_APP_SECRET,
    dailyQuota: 1_000_000,
  });
  process.send({ url: emulator.url });
  process.on('disconnect', () => void emulator.close().then(() => process.exit(0)));
}
