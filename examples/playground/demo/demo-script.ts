import type { LanguageModelV4CallOptions, LanguageModelV4Prompt } from '@ai-sdk/provider';

/** What the offline demo model does next: call one tool, or say something. */
export type DemoStep =
  | { kind: 'tool'; toolName: string; input: Record<string, unknown> }
  | { kind: 'text'; text: string };

/** A tool as the model sees it: its name and the properties of its JSON Schema. */
interface ToolInfo {
  name: string;
  properties: string[];
  required: string[];
  /** JSON Schema `type` of each property. */
  types: Record<string, unknown>;
}

/** The customer as the memory prompt (MemoryPromptBuilder) describes them. */
export interface DemoCustomerContext {
  firstName?: string;
  observations: string[];
  summaries: string[];
}

const HUMAN =
  /\b(human|person|people|agent|representative|rep|operator|someone|somebody|manager|supervisor)\b/i;
const ABOUT_ME =
  /\b(about me|remember me|remember|know me|my profile|who am i|my name|my account|my history|last time)\b/i;
const GREETING = /^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening))\b[\s!.,]*\w*[\s!.]*$/i;
const TOPICS =
  /\b(hours?|open|opening|close|closing|return|returns|refund|exchange|ship|shipping|deliver|delivery|warranty|guarantee|price|cost|store|stores|location|address|policy|track|tracking|order|orders|pay|payment|loyalty|points|rewards?|repair|rent|rental)\b/i;
const THANKS = /\b(thanks|thank you|cheers|bye|goodbye)\b/i;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) =>
      p && typeof p === 'object' && (p as { type?: string }).type === 'text'
        ? (p as { text: string }).text
        : '',
    )
    .join('');
}

/** Customer facts the memory prompt put in the system message (name, observations, summaries). */
export function readCustomerContext(prompt: LanguageModelV4Prompt): DemoCustomerContext {
  const system = prompt
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  // Traits are rendered as `- Contact: {"firstName":"Maya",...}` (JSON) or a Python-style dict.
  const name = /["']?first_?name["']?\s*[:=]\s*["']([^"']+)["']/i.exec(system)?.[1];
  const section = (title: string): string[] => {
    const start = system.indexOf(`## ${title}`);
    if (start < 0) return [];
    const rest = system.slice(start).split('\n').slice(1);
    const lines: string[] = [];
    for (const line of rest) {
      if (line.startsWith('#')) break;
      if (line.startsWith('- ')) lines.push(line.slice(2).trim());
    }
    return lines;
  };
  return {
    ...(name ? { firstName: name } : {}),
    observations: section('Key Observations'),
    summaries: section('Past Conversation Summaries'),
  };
}

function toolsOf(options: Pick<LanguageModelV4CallOptions, 'tools'>): ToolInfo[] {
  return (options.tools ?? []).flatMap((t) => {
    if (t.type !== 'function') return [];
    const schema = t.inputSchema as { properties?: Record<string, { type?: unknown }>; required?: string[] };
    const properties = schema.properties ?? {};
    return [
      {
        name: t.name,
        properties: Object.keys(properties),
        required: schema.required ?? [],
        types: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v?.type])),
      },
    ];
  });
}

function findTool(tools: ToolInfo[], test: (name: string) => boolean): ToolInfo | undefined {
  return tools.find((t) => test(t.name.toLowerCase()));
}

const isHandoffTool = (n: string) => n.includes('handoff') || n.includes('escalat') || n.includes('human');
const isKnowledgeTool = (n: string) => n.includes('knowledge') || n.startsWith('search');
const isMemoryTool = (n: string) => n.includes('memory') || n.includes('profile');

/** Every string under `value` that looks like a knowledge chunk or an observation (`content`), in order. */
function contentsOf(value: unknown, depth = 0): string[] {
  if (depth > 6 || value === null || value === undefined) return [];
  if (typeof value === 'string') {
    // Tool outputs may come back JSON-encoded (text outputs).
    if (depth === 0 && /^[[{]/.test(value.trim())) {
      try {
        return contentsOf(JSON.parse(value), depth + 1);
      } catch {
        return [value];
      }
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => contentsOf(v, depth + 1));
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.content === 'string') return [obj.content];
    return Object.values(obj).flatMap((v) => contentsOf(v, depth + 1));
  }
  return [];
}

function resultStatus(value: unknown): { failed: boolean; error?: string } {
  const json = JSON.stringify(value ?? null);
  const failed = /handoff_failed|"ok":\s*false|"error"/.test(json);
  const error = /"error":\s*"([^"]*)"/.exec(json)?.[1];
  return error ? { failed, error } : { failed };
}

/** The first `max` sentences; a sentence ends at `.!?` followed by a capital (so "Co. stores" is one sentence). */
function firstSentences(text: string, max = 2): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const ends = [...clean.matchAll(/[.!?](?= [A-Z])/g)].map((m) => m.index + 1);
  return ends.length >= max ? clean.slice(0, ends[max - 1]) : clean;
}

function capabilities(): string {
  return 'I can answer questions about our store hours, returns and shipping, tell you what I remember about you, or connect you with a person.';
}

/**
 * The offline demo model's whole brain: look at the conversation the AI SDK
 * sent and decide the next step. Deterministic, so the playground and its
 * tests behave the same on every run.
 */
export function planDemoStep(options: Pick<LanguageModelV4CallOptions, 'prompt' | 'tools'>): DemoStep {
  const { prompt } = options;
  const tools = toolsOf(options);
  const customer = readCustomerContext(prompt);
  const name = customer.firstName;
  const lastUser = prompt.map((m) => m.role).lastIndexOf('user');
  const userText = lastUser >= 0 ? textOf(prompt[lastUser]!.content).trim() : '';
  const firstReply = !prompt.slice(0, Math.max(lastUser, 0)).some((m) => m.role === 'assistant');
  const hello = firstReply && name ? `Hi ${name}! ` : '';

  // A tool already ran for this message: turn its result into the answer.
  const toolResults = prompt
    .slice(lastUser + 1)
    .filter((m) => m.role === 'tool')
    .flatMap((m) => m.content)
    .filter((p) => p.type === 'tool-result');
  const result = toolResults.at(-1);
  if (result) {
    const output = 'value' in result.output ? result.output.value : undefined;
    const tool = result.toolName.toLowerCase();
    const errored = result.output.type === 'error-text' || result.output.type === 'error-json';
    if (isHandoffTool(tool)) {
      const status = resultStatus(output);
      if (errored || status.failed) {
        return {
          kind: 'text',
          text: `I'm sorry, I couldn't reach a person right now${status.error ? ` (${status.error})` : ''}. Can I help with anything else meanwhile?`,
        };
      }
      return {
        kind: 'text',
        text: `Of course${name ? `, ${name}` : ''}. I'm connecting you with a member of our team now. They'll see our conversation, so you won't have to repeat yourself.`,
      };
    }
    const found = errored ? [] : contentsOf(output);
    if (isKnowledgeTool(tool)) {
      if (found.length === 0) {
        return {
          kind: 'text',
          text: "I couldn't find that in our knowledge base. Would you like me to connect you with a person?",
        };
      }
      return { kind: 'text', text: `${hello}Here's what I found: ${firstSentences(found[0]!)}` };
    }
    if (isMemoryTool(tool)) {
      const facts = found.length > 0 ? found : customer.observations;
      return {
        kind: 'text',
        text:
          facts.length > 0
            ? `Here's what I remember${name ? `, ${name}` : ''}: ${facts.slice(0, 2).join('; ')}.`
            : "I don't have anything on file about you yet.",
      };
    }
    return {
      kind: 'text',
      text: `${hello}I checked with ${result.toolName}: ${describeOutput(output, errored)}`,
    };
  }

  if (userText === '') return { kind: 'text', text: `${hello}How can I help you today?` };

  if (HUMAN.test(userText)) {
    const handoff = findTool(tools, isHandoffTool);
    if (handoff) return { kind: 'tool', toolName: handoff.name, input: argsFor(handoff, userText) };
    return { kind: 'text', text: "I'm sorry, I can't transfer you to a person from here." };
  }
  if (ABOUT_ME.test(userText)) {
    const memory = findTool(tools, isMemoryTool);
    if (memory) return { kind: 'tool', toolName: memory.name, input: argsFor(memory, userText) };
    const facts = customer.observations.slice(0, 2);
    return {
      kind: 'text',
      text:
        facts.length > 0
          ? `${hello}Here's what I remember: ${facts.join('; ')}.`
          : `${hello}I don't know much about you yet.`,
    };
  }
  if (/^[0-9*#]$/.test(userText)) return { kind: 'text', text: `You pressed ${userText}.` };
  const custom = tools.find((t) => mentionsTool(t, userText));
  if (custom) return { kind: 'tool', toolName: custom.name, input: argsFor(custom, userText) };
  if (TOPICS.test(userText) || userText.endsWith('?')) {
    const knowledge = findTool(tools, isKnowledgeTool);
    if (knowledge) return { kind: 'tool', toolName: knowledge.name, input: argsFor(knowledge, userText) };
  }
  if (GREETING.test(userText)) {
    const welcome = name ? `Hi ${name}, welcome back! ` : 'Hi there! ';
    return { kind: 'text', text: `${welcome}How can I help you today?` };
  }
  if (THANKS.test(userText)) {
    return {
      kind: 'text',
      text: `You're welcome${name ? `, ${name}` : ''}! Anything else I can do for you?`,
    };
  }
  return {
    kind: 'text',
    text: `${hello}I'm the offline demo model, so I keep things simple. ${capabilities()}`,
  };
}

const GENERIC_WORDS = new Set([
  'get',
  'find',
  'lookup',
  'look',
  'search',
  'fetch',
  'check',
  'tool',
  'create',
  'list',
]);

/**
 * Your own tools: the demo model calls one when the message names it, e.g.
 * "where is order 1234?" calls `lookup_order`. Built-in tools have their own rules.
 */
function mentionsTool(tool: ToolInfo, userText: string): boolean {
  const name = tool.name.toLowerCase();
  if (isHandoffTool(name) || isKnowledgeTool(name) || isMemoryTool(name)) return false;
  const text = userText.toLowerCase();
  return tool.name
    .split(/[_\-.]|(?<=[a-z])(?=[A-Z])/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 4 && !GENERIC_WORDS.has(w))
    .some((w) => new RegExp(`\\b${w}s?\\b`).test(text));
}

/**
 * Arguments from the tool's schema: `reason` for handoffs, `query` for
 * searches; for other required string fields, the first number in the message
 * when the field looks like an id, else the message itself. Optional fields
 * stay unset, as a careful model would leave them.
 */
function argsFor(tool: ToolInfo, userText: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const number = /\b[A-Za-z]*-?\d[\w-]*/.exec(userText)?.[0];
  for (const prop of tool.properties) {
    if (prop === 'reason') args.reason = `Customer asked: "${userText}"`;
    else if (prop === 'query') args.query = userText;
    else if (!tool.required.includes(prop) || (tool.types[prop] ?? 'string') !== 'string') continue;
    else if (/number|id$|code|sku/i.test(prop)) {
      if (number) args[prop] = number;
    } else args[prop] = userText;
  }
  return args;
}

/** A tool result in one spoken sentence. */
function describeOutput(output: unknown, errored: boolean): string {
  if (errored) return `it failed (${typeof output === 'string' ? output : JSON.stringify(output)}).`;
  if (output === undefined || output === null) return 'done.';
  if (typeof output !== 'object') return `${String(output)}.`;
  if (Array.isArray(output)) return `${output.length} results.`;
  const parts = Object.entries(output as Record<string, unknown>)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${String(v)}`);
  return parts.length > 0 ? `${parts.join(', ')}.` : 'done.';
}
