/**
 * Host patterns of `'user'@'host'` accounts and the login match: accounts sorted most-specific
 * host first, then named users before the anonymous one, and the first row whose user and host
 * match wins (MySQL's rule, including its surprise: ''@'localhost' beats 'alice'@'%').
 */
import type { AccountDef } from '../../cluster/accounts.js';

/** 127.0.0.0/8, ::1 and the IPv4-mapped forms: what the name 'localhost' stands for over TCP. */
export function isLoopbackAddress(ip: string): boolean {
  const a = ip.toLowerCase().replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

const compiled = new Map<string, RegExp>();

/** SQL LIKE over host names: `%` any run, `_` one character, `\` escapes; case-insensitive. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (ch === '\\' && i + 1 < pattern.length) src += escapeRegex(pattern[++i]!);
      else if (ch === '%') src += '.*';
      else if (ch === '_') src += '.';
      else src += escapeRegex(ch);
    }
    re = new RegExp(`^${src}$`, 'is');
    if (compiled.size > 4096) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(text);
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? '\\' + ch : ch;
}

export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '%' || ch === '_') return true;
  }
  return false;
}

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Whether an account's host pattern admits a client connecting from `clientIp`. */
export function hostMatches(pattern: string, clientIp: string): boolean {
  const p = pattern.toLowerCase();
  const ip = clientIp.toLowerCase().replace(/^::ffff:/, '');
  const loopback = isLoopbackAddress(ip);
  if (p === 'localhost') return loopback;
  const slash = p.indexOf('/');
  if (slash > 0) {
    // 'net/mask' (IPv4), as MySQL allows: 192.168.1.0/255.255.255.0
    const net = ipv4(p.slice(0, slash));
    const mask = ipv4(p.slice(slash + 1));
    const addr = ipv4(ip);
    return net !== null && mask !== null && addr !== null && ((addr & mask) >>> 0) === net;
  }
  if (wildcardMatch(p, ip)) return true;
  // A loopback client's host name is 'localhost', so 'local%' and '%' admit it too.
  return loopback && hasWildcard(p) && wildcardMatch(p, 'localhost');
}

/** Larger = more specific: literal hosts first, then patterns by the length of their literal prefix. */
function hostSpecificity(host: string): number {
  if (!hasWildcard(host)) return host.includes('/') ? 2000 : 3000;
  let i = 0;
  while (i < host.length && host[i] !== '%' && host[i] !== '_') i += host[i] === '\\' ? 2 : 1;
  return i;
}

/** Accounts in login-match order. */
export function sortAccounts(accounts: readonly AccountDef[]): AccountDef[] {
  return accounts
    .map((a, i) => ({ a, i, s: hostSpecificity(a.host) }))
    .sort((x, y) => y.s - x.s || (x.a.user === '' ? 1 : 0) - (y.a.user === '' ? 1 : 0) || x.i - y.i)
    .map((e) => e.a);
}

/** The account a login as `user` from `clientIp` authenticates against, if any. */
export function matchAccount(sorted: readonly AccountDef[], user: string, clientIp: string): AccountDef | undefined {
  for (const a of sorted) {
    if ((a.user === user || a.user === '') && hostMatches(a.host, clientIp)) return a;
  }
  return undefined;
}
