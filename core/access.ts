/**
 * The broker access table: who may publish and subscribe where. The embedded broker enforces it and
 * the Mosquitto ACL file is generated from it, so the two can never disagree.
 */
import { ROOT } from './protocol/topics.ts';

export type AccessRole = 'server' | 'kiosk' | 'dropbox' | 'desk' | 'counter' | 'monitor';

export interface BrokerAccount {
  username: string;
  role: AccessRole;
}

export interface AccessRules {
  publish: string[];
  subscribe: string[];
}

/** Topic filters for one account. A device publishes only under its own id. */
export function rulesFor(school: string, account: BrokerAccount): AccessRules {
  const own = `${ROOT}/${school}/${account.username}/#`;
  const server = `${ROOT}/${school}/server/#`;
  switch (account.role) {
    case 'server':
      return { publish: [`${ROOT}/#`], subscribe: [`${ROOT}/#`] };
    case 'kiosk':
    case 'dropbox':
    case 'desk':
      return { publish: [own], subscribe: [own, server] };
    case 'counter':
      return { publish: [own], subscribe: [own] };
    case 'monitor':
      return { publish: [], subscribe: [`${ROOT}/#`] };
  }
}

/** MQTT filter matching with + and # (no $-topic special case needed: our tree never starts with $). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when every topic the subscription filter can match lies inside one of the allowed filters. */
export function filterWithin(requested: string, allowed: string): boolean {
  const r = requested.split('/');
  const a = allowed.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= r.length) return false;
    if (r[i] === '#') return false;
    if (a[i] === '+') continue;
    if (r[i] === '+' || r[i] !== a[i]) return false;
  }
  return r.length === a.length;
}

export function mayPublish(school: string, account: BrokerAccount, topic: string): boolean {
  return rulesFor(school, account).publish.some((f) => topicMatches(f, topic));
}

export function maySubscribe(school: string, account: BrokerAccount, filter: string): boolean {
  return rulesFor(school, account).subscribe.some((f) => filterWithin(filter, f));
}

/** A Mosquitto acl_file with the same rules, one `user` block per account. */
export function mosquittoAcl(school: string, accounts: BrokerAccount[]): string {
  const lines = ['# Generated from core/access.ts: do not edit by hand.', ''];
  for (const acc of accounts) {
    const r = rulesFor(school, acc);
    lines.push(`user ${acc.username}`);
    const both = r.publish.filter((p) => r.subscribe.includes(p));
    for (const t of both) lines.push(`topic readwrite ${t}`);
    for (const t of r.publish.filter((p) => !both.includes(p))) lines.push(`topic write ${t}`);
    for (const t of r.subscribe.filter((s) => !both.includes(s))) lines.push(`topic read ${t}`);
    lines.push('');
  }
  return lines.join('\n');
}
