/**
 * The demo: a made-up shop's customer and knowledge base, and the offline
 * model. `demo-agent.ts` is left out on purpose: it loads the AI SDK adapter,
 * which the playground imports only when it serves the demo agent.
 */
export { DEMO_CUSTOMER, DEMO_CUSTOMER_PHONE, DEMO_KNOWLEDGE, DEMO_SUGGESTIONS } from './demo-data.ts';
export {
  createOfflineDemoModel,
  OFFLINE_DEMO_MODEL_ID,
  type OfflineDemoModelOptions,
} from './demo-model.ts';
export {
  chooseDemoModel,
  DEFAULT_OPENAI_MODEL,
  type DemoModelChoice,
  type PlaygroundMode,
} from './demo-model-choice.ts';
export { type DemoCustomerContext, type DemoStep, planDemoStep, readCustomerContext } from './demo-script.ts';
export { DEMO_KNOWLEDGE_BASE, seedDemo } from './seed-demo.ts';
