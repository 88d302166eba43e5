/**
 * Floor for the adapter benchmark: what a developer would hand-write to put
 * one framework on ConversationRelay without TAC: a plain `ws` server (the
 * same as minimal-cr-server.ts: signed upgrade, `setup`, barge-in) that calls
 * the framework directly with the same scripted model and instructions,
 * keeps the call's history in the framework's own message format (capped at
 * TAC's default of 200 items), and streams the text deltas as `text` frames.
 *
 *   node bench/baselines/direct-framework-server.ts --framework=ai-sdk|openai-agents|langchain
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { Agent, type AgentInputItem, run, setTracingDisabled } from '@openai/agents';
import { type ModelMessage, streamText } from 'ai';
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { BENCH_ACCOUNT } from '../lib/twilio-fixtures.ts';
import {
  AgentsScriptedModel,
  aiSdkModel,
  BENCH_INSTRUCTIONS,
  type Framework,
  LangChainScriptedModel,
} from '../stubs/scripted-models.ts';

const framework = (childArgs().framework ?? 'ai-sdk') as Framework;
const MAX_HISTORY = 200;
setTracingDisabled(true);

/** One framework's turn: stream text deltas for `prompt`, updating the call's history. */
type TurnRunner = (prompt: string, signal: AbortSignal) => AsyncIterable<string>;

function aiSdkRunner(): TurnRunner {
  const model = aiSdkModel();
  let history: ModelMessage[] = [];
  return async function* (prompt, signal) {
    history.push({ role: 'user', content: prompt });
    const result = streamText({
      model,
      instructions: BENCH_INSTRUCTIONS,
      messages: history,
      abortSignal: signal,
    });
    let text = '';
    for await (const delta of result.textStream) {
      text += delta;
      yield delta;
    }
    history.push({ role: 'assistant', content: text });
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
  };
}

const agent = new Agent({
  name: 'bench',
  instructions: BENCH_INSTRUCTIONS,
  model: new AgentsScriptedModel(),
});
function agentsRunner(): TurnRunner {
  let history: AgentInputItem[] = [];
  return async function* (prompt, signal) {
    const result = await run(agent, [...history, { role: 'user', content: prompt }], {
      stream: true,
      signal,
    });
    for await (const delta of result.toTextStream()) yield delta;
    await result.completed;
    history = result.history.slice(-MAX_HISTORY);
  };
}

const chatModel = new LangChainScriptedModel();
function langChainRunner(): TurnRunner {
  let history: BaseMessage[] = [];
  return async function* (prompt, signal) {
    history.push(new HumanMessage(prompt));
    const stream = await chatModel.stream([new SystemMessage(BENCH_INSTRUCTIONS), ...history], { signal });
    let text = '';
    for await (const chunk of stream) {
      const delta = chunk.text;
      if (!delta) continue;
      text += delta;
      yield delta;
    }
    history.push(new AIMessage(text));
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
  };
}

const runnerFor: Record<Framework, () => TurnRunner> = {
  'ai-sdk': aiSdkRunner,
  'openai-agents': agentsRunner,
  langchain: langChainRunner,
};

async function speak(ws: WebSocket, tokens: AsyncIterable<string>, signal: AbortSignal): Promise<void> {
  let sent = false;
  try {
    for await (const token of tokens) {
      if (signal.aborted) break;
      ws.send(JSON.stringify({ type: 'text', token, last: false }));
      sent = true;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  if (sent && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'text', token: '', last: true }));
}

const wss = new WebSocketServer({ noServer: true });
const server = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'wss' : 'ws';
  const url = `${proto}://${req.headers.host}${new URL(req.url ?? '/', 'http://x').pathname}`;
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || !validateRequest(BENCH_ACCOUNT.authToken, signature, url, {})) {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const turn = runnerFor[framework]();
    let controller: AbortController | undefined;
    ws.on('message', (data) => {
      let msg: { type?: string; voicePrompt?: string; last?: boolean };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg.type === 'prompt' && msg.last) {
        controller?.abort();
        const c = new AbortController();
        controller = c;
        speak(ws, turn(String(msg.voicePrompt), c.signal), c.signal)
          .catch((e) => process.stderr.write(`direct ${framework} turn failed: ${(e as Error).message}\n`))
          .finally(() => {
            if (controller === c) controller = undefined;
          });
      } else if (msg.type === 'interrupt') controller?.abort();
    });
    ws.on('close', () => controller?.abort());
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  serveRpc(
    {},
    () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        server.close(() => resolve());
      }),
  );
  signalReady({ port: typeof address === 'object' && address ? address.port : 0, framework });
});
