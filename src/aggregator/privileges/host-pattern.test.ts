import { describe, expect, it } from 'vitest';
import type { AccountDef } from '../../cluster/accounts.js';
import { hostMatches, isLoopbackAddress, matchAccount, sortAccounts } from './host-pattern.js';

const acct = (user: string, host: string): AccountDef => ({ user, host, plugin: 'mysql_native_password', authString: '', locked: false, role: false, defaultRoles: [] });

describe('host patterns', () => {
  it('localhost is the loopback addresses, IPv4 and IPv6', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(hostMatches('localhost', ip), ip).toBe(true);
    for (const ip of ['10.0.0.1', '::2', '128.0.0.1', '127.0.0.1.5']) expect(hostMatches('localhost', ip), ip).toBe(false);
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
  });

  it('% and _ are wildcards, literal IPs and net/mask match exactly', () => {
    expect(hostMatches('%', '203.0.113.9')).toBe(true);
    expect(hostMatches('127.0.0.%', '127.0.0.44')).toBe(true);
    expect(hostMatches('127.0.0.%', '127.0.1.44')).toBe(false);
    expect(hostMatches('10.0.0._', '10.0.0.7')).toBe(true);
    expect(hostMatches('10.0.0._', '10.0.0.77')).toBe(false);
    expect(hostMatches('10.0.0.1', '10.0.0.10')).toBe(false);
    expect(hostMatches('192.168.1.0/255.255.255.0', '192.168.1.77')).toBe(true);
    expect(hostMatches('192.168.1.0/255.255.255.0', '192.168.2.77')).toBe(false);
    // A loopback client's name is localhost: 'local%' admits it, a literal name does not.
    expect(hostMatches('local%', '127.0.0.1')).toBe(true);
    expect(hostMatches('local%', '10.0.0.1')).toBe(false);
    // . in a pattern is a dot, not a regex wildcard.
    expect(hostMatches('10.0.0.1', '10a0b0c1')).toBe(false);
  });

  it('sorts literal hosts first, then longer literal prefixes, named users before anonymous', () => {
    const sorted = sortAccounts([acct('a', '%'), acct('', 'localhost'), acct('a', '127.%'), acct('a', '127.0.0.%'), acct('a', 'localhost'), acct('', '%')]);
    expect(sorted.map((a) => `${a.user}@${a.host}`)).toEqual(['a@localhost', '@localhost', 'a@127.0.0.%', 'a@127.%', 'a@%', '@%']);
  });

  it('matches exact user names only, and the first matching row wins (MySQL)', () => {
    const sorted = sortAccounts([acct('root', 'localhost'), acct('alice', '%')]);
    expect(matchAccount(sorted, 'root', '127.0.0.1')?.host).toBe('localhost');
    expect(matchAccount(sorted, 'root', '10.1.1.1')).toBeUndefined();
    for (const u of ['Root', 'root ', ' root', 'ROOT', 'roo']) expect(matchAccount(sorted, u, '127.0.0.1'), u).toBeUndefined();
    // The anonymous account on localhost sorts before alice@%: a local alice is it.
    const anon = sortAccounts([acct('alice', '%'), acct('', 'localhost')]);
    expect(matchAccount(anon, 'alice', '127.0.0.1')).toMatchObject({ user: '', host: 'localhost' });
    expect(matchAccount(anon, 'alice', '10.0.0.1')).toMatchObject({ user: 'alice', host: '%' });
  });
});
