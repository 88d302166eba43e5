import type { Suite } from '../lib/suite.ts';
import { adaptersSuite } from './adapters.ts';
import { bargeInSuite } from './barge-in.ts';
import { coldStartSuite } from './cold-start.ts';
import { memorySuite } from './memory.ts';
import { messagingSuite } from './messaging.ts';
import { messagingLoadSuite } from './messaging-load.ts';
import { voiceTurnSuite } from './voice-turn.ts';

/** Every suite, in run order. */
export const SUITES: readonly Suite[] = [
  voiceTurnSuite,
  bargeInSuite,
  messagingSuite,
  memorySuite,
  coldStartSuite,
  adaptersSuite,
  messagingLoadSuite,
];
