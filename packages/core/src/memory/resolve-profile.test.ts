import { describe, expect, it } from 'vitest';
import { profileIdentityOf } from './resolve-profile.ts';

describe('profileIdentityOf', () => {
  it('looks up phones in E.164 and emails, stripping channel prefixes', () => {
    expect(profileIdentityOf('+15557654321')).toEqual({ idType: 'phone', value: '+15557654321' });
    expect(profileIdentityOf('whatsapp:+15557654321')).toEqual({ idType: 'phone', value: '+15557654321' });
    expect(profileIdentityOf('rcs:+15557654321')).toEqual({ idType: 'phone', value: '+15557654321' });
    expect(profileIdentityOf('alyssa@example.com')).toEqual({ idType: 'email', value: 'alyssa@example.com' });
  });

  it('does not look up what is neither', () => {
    expect(profileIdentityOf(undefined)).toBeUndefined();
    expect(profileIdentityOf('ai-assistant')).toBeUndefined();
    expect(profileIdentityOf('5557654321')).toBeUndefined();
  });
});
