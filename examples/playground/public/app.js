// The playground page: plain browser JavaScript, no build step. It talks to the
// playground server over one WebSocket (/api/live); the server drives the Twilio
// emulator's simulated caller and texter and forwards what TAC reports.

const $ = (id) => document.getElementById(id);

const el = {
  mode: $('mode'),
  agentName: $('agent-name'),
  connection: $('connection'),
  banner: $('banner'),
  callStatus: $('call-status'),
  callStart: $('call-start'),
  callHangup: $('call-hangup'),
  keypadToggle: $('keypad-toggle'),
  keypad: $('keypad'),
  transcript: $('call-transcript'),
  callForm: $('call-form'),
  callInput: $('call-input'),
  callSay: $('call-say'),
  thread: $('msg-thread'),
  msgForm: $('msg-form'),
  msgInput: $('msg-input'),
  msgReset: $('msg-reset'),
  profile: $('customer-profile'),
  memory: $('memory'),
  tools: $('tool-calls'),
  toolCount: $('tool-count'),
  knowledge: $('knowledge-hits'),
  handoffs: $('handoffs'),
  latency: document.querySelector('#latency tbody'),
  urls: $('urls'),
};

const state = {
  call: 'idle', // idle | connecting | live | ended
  agentBubble: null, // the agent bubble receiving streamed tokens
  channel: 'sms',
  threads: {}, // channel -> container element
  typing: {}, // channel -> typing bubble
  toolItems: new Map(), // toolCallId -> element
  toolCount: 0,
  pendingNotes: {}, // channel -> note shown after the agent's next reply (handoff)
};

// ---- helpers ---------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key === 'title' || key === 'role') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function clearEmpty(container) {
  for (const node of container.querySelectorAll(':scope > .empty')) node.remove();
}

function scrollDown(container) {
  container.scrollTop = container.scrollHeight;
}

function pretty(value, max = 700) {
  let text;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value, null, 1);
  } catch {
    text = String(value);
  }
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function count(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function ms(value) {
  return typeof value === 'number' ? `${Math.round(value)} ms` : '—';
}

/** Strings under `content` keys (knowledge chunks), with their score when present. */
function chunksOf(value, depth = 0) {
  if (depth > 6 || value === null || value === undefined) return [];
  if (typeof value === 'string') {
    if (depth === 0 && /^[[{]/.test(value.trim())) {
      try {
        return chunksOf(JSON.parse(value), depth + 1);
      } catch {
        return [];
      }
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => chunksOf(v, depth + 1));
  if (typeof value === 'object') {
    if (typeof value.content === 'string')
      return [{ content: value.content, score: value.score, id: value.knowledgeId }];
    return Object.values(value).flatMap((v) => chunksOf(v, depth + 1));
  }
  return [];
}

const isKnowledgeTool = (name) => /knowledge|^search/i.test(name);

// ---- connection ------------------------------------------------------------

const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);

function send(message) {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

socket.addEventListener('open', () => {
  el.connection.className = 'dot dot-on';
  el.connection.title = 'Connected to the playground';
});

socket.addEventListener('close', () => {
  el.connection.className = 'dot dot-off';
  showBanner(
    'Disconnected from the playground server. Is `npm start` still running? Reload the page to reconnect.',
  );
  setCallState('idle');
  el.callStart.disabled = true;
});

socket.addEventListener('message', (event) => {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    return;
  }
  const handler = handlers[message.type];
  if (handler) handler(message);
});

function showBanner(text) {
  el.banner.textContent = text;
  el.banner.hidden = false;
}

// ---- server messages -------------------------------------------------------

const handlers = {
  hello(m) {
    el.mode.textContent = m.mode.label;
    el.mode.className = `badge ${m.mode.kind === 'offline' ? 'badge-offline' : m.mode.kind === 'custom' ? 'badge-custom' : 'badge-live'}`;
    el.mode.title = m.mode.description ?? '';
    el.agentName.textContent = `agent: ${m.agent.name}${m.agent.tools.length ? ` · tools: ${m.agent.tools.join(', ')}` : ''}`;
    el.urls.textContent = `Emulator ${m.urls.emulator} · TAC server ${m.urls.tac}`;
    renderProfile(m.customer);
    renderSuggestions(m.suggestions ?? []);
  },
  error(m) {
    showBanner(m.message);
    if (m.scope === 'call' && state.call === 'connecting') setCallState('idle');
  },
  'call.state'(m) {
    setCallState(m.state);
    if (m.state === 'live' && m.greeting) {
      const bubble = addCallBubble('agent', m.greeting);
      bubble.dataset.greeting = 'true';
    }
  },
  'call.token'(m) {
    if (!state.agentBubble) state.agentBubble = addCallBubble('agent', '', true);
    state.agentBubble.textContent += m.token;
    if (m.last) finishAgentBubble();
    scrollDown(el.transcript);
  },
  'call.interrupted'() {
    if (state.agentBubble) {
      state.agentBubble.classList.add('interrupted');
      finishAgentBubble();
    }
  },
  'call.ended'(m) {
    finishAgentBubble();
    const note = m.handoffData
      ? 'Call handed off to a human (Studio takes over the call)'
      : `Call ended (${m.sessionStatus ?? 'completed'})`;
    addCallNote(note, m.handoffData ? 'handoff' : '');
    if (m.handoffData) {
      addHandoff({
        title: 'Voice handoff',
        status: 'initiated',
        details: { HandoffData: safeParse(m.handoffData) },
      });
    }
    setCallState('ended');
  },
  'message.sent'(m) {
    addMessage(m.channel, 'customer', m.text);
  },
  'message.reset'(m) {
    removeTyping(m.channel);
    threadFor(m.channel).replaceChildren();
    addMessageNote(m.channel, 'New conversation', '');
  },
  'message.reply'(m) {
    removeTyping(m.channel);
    addMessage(m.channel, 'agent', m.text);
    flushNote(m.channel);
  },
  'studio.execution'(m) {
    addHandoff({ title: 'Studio execution', status: 'recorded', details: m.execution });
  },
  tac(m) {
    const handler = tacHandlers[m.event];
    if (handler) handler(m.data);
  },
};

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---- TAC lifecycle events (tac.events) -------------------------------------

const tacHandlers = {
  'turn-start'(e) {
    if (e.channel !== 'voice') showTyping(e.channel);
  },
  'memory-retrieved'(e) {
    renderMemory(e);
  },
  'tool-call-start'(e) {
    clearEmpty(el.tools);
    const status = h('span', { class: 'tag run', 'data-testid': 'tool-status' }, 'running');
    const item = h(
      'li',
      { class: 'item', 'data-testid': 'tool-call', 'data-tool': e.toolName, 'data-channel': e.channel },
      h(
        'div',
        { class: 'item-head' },
        h('span', { class: 'item-name' }, e.toolName),
        h('span', { class: 'tag' }, e.channel),
        status,
      ),
      h('div', { class: 'kv', 'data-testid': 'tool-args' }, h('b', {}, 'args '), pretty(e.input)),
    );
    item.statusEl = status;
    state.toolItems.set(e.toolCallId, item);
    el.tools.prepend(item);
    state.toolCount += 1;
    el.toolCount.textContent = String(state.toolCount);
  },
  'tool-call-end'(e) {
    let item = state.toolItems.get(e.toolCallId);
    if (!item) {
      tacHandlers['tool-call-start'](e);
      item = state.toolItems.get(e.toolCallId);
    }
    item.statusEl.textContent = `${e.status} · ${ms(e.durationMs)}`;
    item.statusEl.className = `tag ${e.status === 'completed' ? 'ok' : 'err'}`;
    item.append(
      h(
        'div',
        { class: 'kv', 'data-testid': 'tool-result' },
        h('b', {}, e.status === 'completed' ? 'result ' : 'error '),
        pretty(e.status === 'completed' ? e.output : e.error),
      ),
    );
    if (e.status === 'completed' && isKnowledgeTool(e.toolName)) renderKnowledge(e);
  },
  handoff(e) {
    addHandoff({
      title: `Handoff from ${e.channel}`,
      status: e.status,
      details: e.error ? { error: e.error, payload: e.payload } : e.payload,
    });
    // The tool runs before the agent's last words: show the note after them.
    if (e.channel !== 'voice') {
      state.pendingNotes[e.channel] =
        e.status === 'failed'
          ? 'Handoff failed'
          : 'Handed off to a human agent (Studio flow started). Press “New conversation” to talk to the agent again.';
    }
  },
  'turn-end'(e) {
    if (e.channel !== 'voice' && (e.reason !== 'completed' || !e.text)) {
      removeTyping(e.channel);
      flushNote(e.channel);
    }
    const row = h(
      'tr',
      { 'data-testid': 'latency-row' },
      h('td', {}, e.channel),
      h('td', { class: 'num', 'data-testid': 'latency-first-token' }, ms(e.firstTokenMs)),
      h('td', { class: 'num', 'data-testid': 'latency-total' }, ms(e.totalMs)),
      h('td', {}, e.reason),
    );
    el.latency.prepend(row);
  },
  'interrupt-received'(e) {
    addCallNote(`Barge-in: the agent was cut off after “${e.utteranceUntilInterrupt || '…'}”`);
  },
  'conversation-ended'(e) {
    if (e.channel !== 'voice') addMessageNote(e.channel, `Conversation ended (${e.reason})`, '');
  },
};

// ---- rendering -------------------------------------------------------------

function renderProfile(customer) {
  el.profile.replaceChildren();
  if (!customer) {
    el.profile.append(
      h('p', { class: 'empty' }, 'No seeded customer (your agent runs with an empty Memory store).'),
    );
    return;
  }
  const dl = h('dl', { class: 'profile-grid' });
  const add = (k, v) => {
    if (v !== undefined && v !== null && v !== '') dl.append(h('dt', {}, k), h('dd', {}, v));
  };
  const contact = customer.traits?.Contact ?? {};
  add('Name', [contact.firstName, contact.lastName].filter(Boolean).join(' '));
  add('Phone', customer.phone);
  add('Email', customer.email);
  for (const [group, values] of Object.entries(customer.traits ?? {})) {
    if (group === 'Contact') continue;
    add(
      group,
      Object.entries(values)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    );
  }
  add('Profile', customer.profileId);
  el.profile.append(dl);
  renderSeededMemory(customer);
}

function renderSeededMemory(customer) {
  const obs = customer.observations ?? [];
  const sums = customer.summaries ?? [];
  if (!obs.length && !sums.length) return;
  el.memory.replaceChildren(
    ...[
      h(
        'div',
        { class: 'item-head' },
        h('span', {}, 'Memory on file'),
        h('span', { class: 'tag' }, 'seeded'),
      ),
      h('div', { class: 'hint' }, 'Retrieved at the start of each turn; what the agent got appears here.'),
      obs.length
        ? [
            h('h4', {}, 'Observations'),
            h(
              'ul',
              {},
              obs.map((o) => h('li', {}, o)),
            ),
          ]
        : null,
      sums.length
        ? [
            h('h4', {}, 'Summaries'),
            h(
              'ul',
              {},
              sums.map((o) => h('li', {}, o)),
            ),
          ]
        : null,
    ]
      .flat()
      .filter(Boolean),
  );
}

function renderMemory(e) {
  const m = e.memory ?? {};
  const obs = m.observations ?? [];
  const sums = m.summaries ?? [];
  const comms = m.communications ?? [];
  el.memory.replaceChildren(
    ...[
      h(
        'div',
        { class: 'item-head' },
        h('span', {}, `Memory for the last ${e.channel} turn`),
        h(
          'span',
          { class: `tag ${m.hasMemoryFeatures ? 'ok' : ''}`, 'data-testid': 'memory-source' },
          m.hasMemoryFeatures ? 'Conversation Memory' : 'Orchestrator history',
        ),
      ),
      h(
        'div',
        { class: 'hint' },
        `${e.fromCache ? 'cached (memoryMode once)' : 'retrieved'} · ${ms(e.durationMs)} · ${count(obs.length, 'observation')} · ${count(sums.length, 'summary', 'summaries')} · ${count(comms.length, 'message')}`,
      ),
      obs.length
        ? [
            h('h4', {}, 'Observations'),
            h(
              'ul',
              { 'data-testid': 'memory-observations' },
              obs.map((o) => h('li', {}, o.content)),
            ),
          ]
        : null,
      sums.length
        ? [
            h('h4', {}, 'Summaries'),
            h(
              'ul',
              {},
              sums.map((s) => h('li', {}, s.content)),
            ),
          ]
        : null,
    ]
      .flat()
      .filter(Boolean),
  );
}

function renderKnowledge(e) {
  const chunks = chunksOf(e.output);
  clearEmpty(el.knowledge);
  const item = h(
    'li',
    { class: 'item', 'data-testid': 'knowledge-hit' },
    h(
      'div',
      { class: 'item-head' },
      h('span', {}, `“${e.input?.query ?? ''}”`),
      h('span', { class: 'tag' }, `${chunks.length} hits`),
    ),
    chunks
      .slice(0, 3)
      .map((c) =>
        h(
          'div',
          { class: 'kv' },
          typeof c.score === 'number' ? h('b', {}, `${c.score.toFixed(2)} `) : null,
          c.content,
        ),
      ),
  );
  el.knowledge.prepend(item);
}

function addHandoff({ title, status, details }) {
  clearEmpty(el.handoffs);
  el.handoffs.prepend(
    h(
      'li',
      { class: 'item', 'data-testid': 'handoff' },
      h(
        'div',
        { class: 'item-head' },
        h('span', { class: 'item-name' }, title),
        h('span', { class: `tag ${status === 'failed' ? 'err' : 'ok'}` }, status),
      ),
      h('div', { class: 'kv' }, pretty(details)),
    ),
  );
}

function renderSuggestions(list) {
  for (const box of document.querySelectorAll('.suggestions')) {
    box.replaceChildren(
      ...list.map((text) =>
        h('button', {
          type: 'button',
          textContent: text,
          onclick: () => {
            if (box.dataset.target === 'call') {
              if (state.call !== 'live') return;
              el.callInput.value = text;
              el.callForm.requestSubmit();
            } else {
              el.msgInput.value = text;
              el.msgForm.requestSubmit();
            }
          },
        }),
      ),
    );
  }
}

// ---- phone -----------------------------------------------------------------

function setCallState(next) {
  state.call = next;
  const live = next === 'live';
  el.callStatus.textContent = { idle: 'Idle', connecting: 'Ringing…', live: 'On call', ended: 'Call ended' }[
    next
  ];
  el.callStatus.className = `pill ${live ? 'live' : next === 'ended' ? 'ended' : ''}`;
  el.callStart.disabled = next === 'connecting' || live;
  el.callStart.textContent = next === 'ended' ? 'Call again' : 'Call the agent';
  el.callHangup.disabled = !(live || next === 'connecting');
  el.keypadToggle.disabled = !live;
  el.callInput.disabled = !live;
  el.callSay.disabled = !live;
  if (!live) el.keypad.hidden = true;
  if (live) el.callInput.focus();
}

function addCallBubble(who, text, streaming = false) {
  clearEmpty(el.transcript);
  const bubble = h(
    'div',
    { class: `bubble ${who}${streaming ? ' streaming' : ''}`, 'data-testid': `call-${who}` },
    text,
  );
  el.transcript.append(bubble);
  scrollDown(el.transcript);
  return bubble;
}

function addCallNote(text, kind = '') {
  clearEmpty(el.transcript);
  el.transcript.append(h('div', { class: `system-note ${kind}`, 'data-testid': 'call-note' }, text));
  scrollDown(el.transcript);
}

function finishAgentBubble() {
  if (!state.agentBubble) return;
  state.agentBubble.classList.remove('streaming');
  state.agentBubble.dataset.done = 'true';
  state.agentBubble = null;
}

el.callStart.addEventListener('click', () => {
  if (state.call === 'ended') el.transcript.replaceChildren();
  setCallState('connecting');
  send({ type: 'call.start' });
});

el.callHangup.addEventListener('click', () => send({ type: 'call.hangup' }));

el.keypadToggle.addEventListener('click', () => {
  el.keypad.hidden = !el.keypad.hidden;
});

el.keypad.addEventListener('click', (event) => {
  const digit = event.target?.dataset?.digit;
  if (!digit || state.call !== 'live') return;
  addCallNote(`You pressed ${digit}`);
  send({ type: 'call.dtmf', digit });
});

el.callForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = el.callInput.value.trim();
  if (!text || state.call !== 'live') return;
  el.callInput.value = '';
  addCallBubble('customer', text);
  send({ type: 'call.say', text });
});

// ---- messaging -------------------------------------------------------------

function threadFor(channel) {
  let box = state.threads[channel];
  if (!box) {
    box = h('div', { class: 'thread-inner', 'data-channel': channel });
    box.style.display = 'contents';
    state.threads[channel] = box;
    el.thread.append(box);
    showChannel(state.channel);
  }
  return box;
}

function showChannel(channel) {
  state.channel = channel;
  for (const [name, box] of Object.entries(state.threads))
    box.style.display = name === channel ? 'contents' : 'none';
  el.msgReset.addEventListener('click', () => send({ type: 'message.reset', channel: state.channel }));

  for (const button of document.querySelectorAll('.segmented button')) {
    const active = button.dataset.channel === channel;
    button.classList.toggle('active', active);
    button.setAttribute('aria-selected', String(active));
  }
  el.msgInput.placeholder = channel === 'whatsapp' ? 'WhatsApp message…' : 'Text message…';
}

function addMessage(channel, who, text) {
  clearEmpty(el.thread);
  const box = threadFor(channel);
  const typing = state.typing[channel];
  const bubble = h(
    'div',
    { class: `bubble ${who}`, 'data-testid': `msg-${who}`, 'data-channel': channel },
    text,
  );
  if (typing && who === 'customer') box.insertBefore(bubble, typing);
  else box.append(bubble);
  if (channel !== state.channel) showChannel(channel);
  scrollDown(el.thread);
}

function addMessageNote(channel, text, kind = 'handoff') {
  clearEmpty(el.thread);
  threadFor(channel).append(h('div', { class: `system-note ${kind}`, 'data-testid': 'msg-note' }, text));
  scrollDown(el.thread);
}

function flushNote(channel) {
  const note = state.pendingNotes[channel];
  if (!note) return;
  delete state.pendingNotes[channel];
  addMessageNote(channel, note);
}

function showTyping(channel) {
  if (state.typing[channel]) return;
  clearEmpty(el.thread);
  const bubble = h('div', { class: 'bubble agent typing', 'data-testid': 'msg-typing' }, 'typing…');
  state.typing[channel] = bubble;
  threadFor(channel).append(bubble);
  scrollDown(el.thread);
}

function removeTyping(channel) {
  state.typing[channel]?.remove();
  delete state.typing[channel];
}

el.msgReset.addEventListener('click', () => send({ type: 'message.reset', channel: state.channel }));

for (const button of document.querySelectorAll('.segmented button')) {
  button.addEventListener('click', () => showChannel(button.dataset.channel));
}

el.msgForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = el.msgInput.value.trim();
  if (!text) return;
  el.msgInput.value = '';
  send({ type: 'message.send', channel: state.channel, text });
});

setCallState('idle');
