// The other half of benchmarks/telegram_load.py: runs telegram-test-api (a Bot API emulator
// written by others, from npm) on 127.0.0.1 and simulates the users with its own client.
//
//   node telegram_load.js PLAN.json       (PLAN: {port, token, thinkMs: [min, max], users: [[q, ...], ...]})
//
// Prints "READY" once listening, "POLLING" once the bot's first getUpdates arrives, then one
// JSON line with every question's send time, the replies to it and their arrival times; then
// serves on until its stdin is closed.
// Every user asks its questions one after another, waiting for each answer; all users start
// at the same moment. The run ends by itself (a deadline bounds every wait).
'use strict';

const fs = require('fs');
const { performance } = require('perf_hooks');
const TelegramServer = require('telegram-test-api');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const REPLY_TIMEOUT_MS = 10000;
const DEADLINE_MS = 120000;
// After the last answer, wait this long for a second (duplicate) reply to any question.
const GRACE_MS = 1500;

// telegram-test-api 4.2.1 answers sendMessage with the request's parameters echoed as the
// message (form-encoded JSON fields such as link_preview_options left as strings) and `date`
// in milliseconds. The Bot API answers a Message with `date` in seconds, and client libraries
// parse it as such. The emulator stores what it stored before; only its answer is reshaped.
const addBotMessage = TelegramServer.prototype.addBotMessage;
TelegramServer.prototype.addBotMessage = function patched(rawMessage, botToken) {
  const message = addBotMessage.call(this, rawMessage, botToken);
  const answer = {
    message_id: message.message_id,
    date: Math.floor(message.date / 1000),
    chat: message.chat,
    text: message.text,
  };
  if (message.reply_markup) answer.reply_markup = message.reply_markup;
  return answer;
};

// Its getMe answers a User without `is_bot`, a field the Bot API always sends (and client
// libraries require): the same answer with the field added.
const { routes } = require('telegram-test-api/lib/routes/index');
const { getMe } = require('telegram-test-api/lib/routes/bot/getMe');
const { handle } = require('telegram-test-api/lib/routes/bot/utils');
routes[routes.indexOf(getMe)] = (app) => {
  handle(app, '/bot:token/getMe', (_req, res) => {
    res.sendResult({ ok: true, result: { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' } });
  });
};

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function main() {
  const server = new TelegramServer({ port: plan.port, host: '127.0.0.1', storeTimeout: 600 });
  const replies = new Map(); // chat id -> [{text, at}]
  const waiters = new Map(); // chat id -> resolve
  let firstPoll;
  const polling = new Promise((resolve) => { firstPoll = resolve; });
  const getUpdates = server.getUpdates.bind(server);
  server.getUpdates = (token) => { firstPoll(); return getUpdates(token); };
  const arrivals = new Map(); // chat id -> [time the user's message reached the server]
  server.on('AddedUserMessage', () => {
    const stored = server.storage.userMessages[server.storage.userMessages.length - 1];
    const chatId = Number(stored.message.chat.id);
    arrivals.set(chatId, [...(arrivals.get(chatId) || []), performance.now()]);
  });
  server.on('AddedBotMessage', () => {
    const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
    const chatId = Number(stored.message.chat_id);
    const list = replies.get(chatId) || [];
    list.push({ text: stored.message.text, at: performance.now() });
    replies.set(chatId, list);
    const wake = waiters.get(chatId);
    if (wake) { waiters.delete(chatId); wake(); }
  });
  await server.start();
  console.log('READY');
  await Promise.race([polling, sleep(DEADLINE_MS)]);
  console.log('POLLING');
  const started = performance.now();

  async function user(index, questions) {
    const chatId = 10000 + index;
    const client = server.getClient(plan.token, {
      userId: chatId, chatId, firstName: `User${index}`, userName: `user${index}`,
    });
    const asked = [];
    for (const question of questions) {
      if (performance.now() - started > DEADLINE_MS) break;
      const before = (replies.get(chatId) || []).length;
      const arrived = new Promise((resolve) => { waiters.set(chatId, resolve); });
      const sentAt = performance.now();
      await client.sendMessage(client.makeMessage(question));
      await Promise.race([arrived, sleep(REPLY_TIMEOUT_MS)]);
      asked.push({ question, sentAt, index: before });
      const [low, high] = plan.thinkMs;
      await sleep(low + Math.random() * (high - low));
    }
    return { chatId, asked };
  }

  const users = await Promise.all(plan.users.map((questions, index) => user(index, questions)));
  await sleep(GRACE_MS);
  const result = users.map(({ chatId, asked }) => {
    const got = replies.get(chatId) || [];
    return asked.map((entry, n) => {
      const end = n + 1 < asked.length ? asked[n + 1].index : got.length;
      return {
        chat: chatId,
        question: entry.question,
        sentAt: entry.sentAt - started,
        arrivedAt: (arrivals.get(chatId) || [])[n] - started,
        replies: got.slice(entry.index, end).map((r) => ({ text: r.text, at: r.at - started })),
      };
    });
  });
  console.log(JSON.stringify(result.flat()));
  // Serve until the caller has stopped the bot and closes stdin (or 30 s), so that the bot's
  // last getUpdates is answered; pending reply timers must not keep node alive after.
  await Promise.race([new Promise((resolve) => { process.stdin.on('end', resolve).resume(); }), sleep(30000)]);
  await server.stop();
  process.exit(0);
}

main().catch((error) => { console.error(error); process.exit(1); });
