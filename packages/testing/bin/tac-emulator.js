#!/usr/bin/env node
// `tac-emulator`: the built CLI when the package is built (published), else its TypeScript source
// (inside this repository, run by Node 22.6+/24 type stripping), so `npx tac-emulator` works in both.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  await import('../src/cli.ts');
}
