import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli.ts';

describe('parseCliArgs', () => {
  it('reads `dev <path>`, a bare path and --agent the same way', () => {
    expect(parseCliArgs(['dev', './my-agent.ts'])).toEqual({ help: false, agent: './my-agent.ts' });
    expect(parseCliArgs(['./my-agent.ts'])).toEqual({ help: false, agent: './my-agent.ts' });
    expect(parseCliArgs(['--agent', './my-agent.ts', '--port', '0'])).toEqual({
      help: false,
      agent: './my-agent.ts',
      port: 0,
    });
    expect(parseCliArgs([])).toEqual({ help: false });
  });

  it('explains bad arguments', () => {
    expect(() => parseCliArgs(['--port', '99999'])).toThrow(/--port must be a port number/);
    expect(() => parseCliArgs(['dev', 'a.ts', 'b.ts'])).toThrow(/Unexpected arguments: b\.ts/);
    expect(() => parseCliArgs(['a.ts', '--agent', 'b.ts'])).toThrow(/either as an argument or with --agent/);
    expect(() => parseCliArgs(['--nope'])).toThrow(/Unknown option '--nope'[\s\S]*Usage:/);
  });
});
