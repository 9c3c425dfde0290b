// One instance of a clustered app receiving WeChat's pushes, run as its own Node process by the
// push cluster tests. It loads the built package (dist/), as a user's app would: an Express app
// on 127.0.0.1 (a port of its own) with WeChatModule.forRoot(WECHAT_PUSH_WORKER_OPTIONS) and a
// text handler that, for `sleep <ms>[ <label>]`, waits that long and answers `slept <ms>` (else
// echoes).
// It reports its port when it listens, forwards its log over IPC, and answers the commands
// `runs` (how many times the handler started and finished, per content) and `close`.
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OnWeChatMessage, WeChatModule } from '../../dist/index.js';
import { ipcLogger as logger, send, serveCommands } from '../support/ipc-worker.mjs';

/** Per content: handler runs started, and finished (a process killed mid-run never finishes). */
const started = {};
const finished = {};
const count = (counts, content) => {
  counts[content] = (counts[content] ?? 0) + 1;
};
// `sleep 7000` or `sleep 7000 <anything>` (distinct contents for distinct pushes).
const SLEEP = /^sleep ([0-9]+)(?: |$)/;

// What `@Injectable() class … { @OnWeChatMessage('text') async onText(message) {…} }` compiles
// to, written out: plain .mjs has no decorator syntax.
class SleepyHandler {
  async onText(message) {
    const content = message.Content;
    count(started, content);
    logger.log(`handler started on ${JSON.stringify(content)}`, 'push-worker');
    const asked = SLEEP.exec(content);
    if (asked) await sleep(Number(asked[1]));
    count(finished, content);
    logger.log(`handler finished on ${JSON.stringify(content)}`, 'push-worker');
    return asked ? `slept ${asked[1]}` : content;
  }
}
Reflect.decorate(
  [OnWeChatMessage('text')],
  SleepyHandler.prototype,
  'onText',
  Object.getOwnPropertyDescriptor(SleepyHandler.prototype, 'onText'),
);
Reflect.decorate([Injectable()], SleepyHandler);

const options = JSON.parse(process.env.WECHAT_PUSH_WORKER_OPTIONS ?? 'null');
if (!options) throw new Error('push-worker.mjs needs WECHAT_PUSH_WORKER_OPTIONS');

class PushWorkerModule {}
Reflect.decorate(
  [Module({ imports: [WeChatModule.forRoot(options)], providers: [SleepyHandler] })],
  PushWorkerModule,
);

const app = await NestFactory.create(PushWorkerModule, { logger });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();

const commands = {
  async runs() {
    return { started: { ...started }, finished: { ...finished } };
  },
  async close() {
    await app.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

serveCommands(commands);
send({ type: 'ready', pid: process.pid, port });
