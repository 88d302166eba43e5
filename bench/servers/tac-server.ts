/**
 * "Ours" for the voice and messaging benchmarks: the real TACServer in its
 * own process. `--voice`, `--sms` pick the channels, `--model=stub|endless|none`
 * the stub model, `--api=<origin>` the Twilio sink (for SMS).
 */
import { childArgs, serveRpc, signalReady } from '../lib/child-rpc.ts';
import { takeAbortLog } from '../stubs/stub-model.ts';
import { parseExperiments } from './experiments.ts';
import { startTacApp } from './tac-app.ts';

const args = childArgs();
// Counters for the messaging benchmarks: how much turn work was done, dropped or failed.
const counters = { acks: 0, turnsStarted: 0, turnsEnded: 0, messagesInTurns: 0, errors: 0, dropped: 0 };
const { server, tac, port } = await startTacApp({
  voice: args.voice === 'true',
  sms: args.sms === 'true',
  model: args.model === 'endless' || args.model === 'none' ? args.model : 'stub',
  apiBaseUrl: args.api,
  experiments: parseExperiments(args.experiment ?? process.env.TAC_BENCH_EXPERIMENTS),
  // Only where asked: the hook is measurement, not part of the app.
  onWebhookAck:
    args['count-acks'] === 'true'
      ? () => {
          counters.acks++;
        }
      : undefined,
});

let firstError: string | undefined;
tac.events.on('turn-start', (e) => {
  counters.turnsStarted++;
  counters.messagesInTurns += e.messages.length;
});
tac.events.on('turn-end', () => {
  counters.turnsEnded++;
});
tac.onError((error, context) => {
  counters.errors++;
  if (context.droppedInbound) counters.dropped++;
  firstError ??= error.message;
});

serveRpc({ aborts: () => takeAbortLog(), counters: () => ({ ...counters, firstError }) }, () =>
  server.stop(),
);
signalReady({ port, path: '/ws' });
