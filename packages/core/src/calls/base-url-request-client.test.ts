import { describe, expect, it } from 'vitest';
import { rewriteOrigin } from './base-url-request-client.ts';

describe('rewriteOrigin', () => {
  it('replaces scheme, host and port and keeps path and query', () => {
    expect(
      rewriteOrigin(
        'https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?PageSize=50',
        'http://127.0.0.1:4010',
      ),
    ).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Calls.json?PageSize=50');
  });

  it('undoes region/edge host mangling, since only the path matters', () => {
    expect(
      rewriteOrigin(
        'https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Calls/CA1.json',
        'http://emu.test:80',
      ),
    ).toBe('http://emu.test/2010-04-01/Accounts/AC1/Calls/CA1.json');
  });
});
