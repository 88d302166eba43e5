import { fileURLToPath } from 'node:url';
import { describeExample } from '../shared/example-test.ts';

describeExample('examples/langchain', fileURLToPath(new URL('./main.ts', import.meta.url)));
