import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';

/** An XML element: enough of XML for TwiML. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content (entities decoded, CDATA kept verbatim). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode XML entities (`&amp;`, `&#39;`, `&#x27;`). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (match, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? match;
  });
}

function fail(message: string, at: number): never {
  throw new EmulatorError(EmulatorErrorCode.APP, `Invalid TwiML: ${message} (at offset ${at})`);
}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/**
 * Parse an XML document into its root element. Handles the prolog, comments,
 * CDATA, attributes in either quote style and entities; rejects mismatched
 * tags, as Twilio rejects malformed TwiML.
 */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipWs = () => {
    while (i < xml.length && /\s/.test(xml[i] as string)) i++;
  };
  while (i < xml.length) {
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end < 0) fail('unterminated processing instruction', i);
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('unterminated comment', i);
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA', i);
      const top = stack.at(-1);
      if (!top) fail('text outside the root element', i);
      top.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      const end = xml.indexOf('>', i);
      if (end < 0) fail('unterminated declaration', i);
      i = end + 1;
    } else if (xml.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(xml);
      if (!m) fail('bad closing tag', i);
      const open = stack.pop();
      if (!open || open.name !== m[0]) fail(`</${m[0]}> does not close <${open?.name ?? '(nothing)'}>`, i);
      i = NAME.lastIndex;
      skipWs();
      if (xml[i] !== '>') fail(`expected ">" after </${m[0]}`, i);
      i++;
      if (stack.length === 0) root = open;
    } else if (xml[i] === '<') {
      if (root) fail('more than one root element', i);
      NAME.lastIndex = i + 1;
      const m = NAME.exec(xml);
      if (!m) fail('bad tag name', i);
      i = NAME.lastIndex;
      const element: XmlElement = { name: m[0], attributes: {}, children: [], text: '' };
      for (;;) {
        ATTRIBUTE.lastIndex = i;
        const a = ATTRIBUTE.exec(xml);
        if (!a) break;
        element.attributes[a[1] as string] = decodeEntities(a[3] ?? a[4] ?? '');
        i = ATTRIBUTE.lastIndex;
      }
      skipWs();
      stack.at(-1)?.children.push(element);
      if (xml.startsWith('/>', i)) {
        i += 2;
        if (stack.length === 0) root = element;
      } else if (xml[i] === '>') {
        i++;
        stack.push(element);
      } else {
        fail(`unexpected character in <${element.name}>`, i);
      }
    } else {
      const next = xml.indexOf('<', i);
      const end = next < 0 ? xml.length : next;
      const text = xml.slice(i, end);
      const top = stack.at(-1);
      if (top) top.text += decodeEntities(text);
      else if (text.trim()) fail('text outside the root element', i);
      i = end;
    }
  }
  if (stack.length) fail(`<${stack.at(-1)?.name}> is not closed`, xml.length);
  if (!root) fail('no root element', 0);
  return root;
}
