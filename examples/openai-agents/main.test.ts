import { fileURLToPath } from 'node:url';
import { describeExample } from '../shared/example-test.ts';

describeExample('examples/openai-agents', fileURLToPath(new URL('./main.ts', import.meta.url)));
