import assert from 'node:assert/strict';
import { filterWithin, mayPublish, maySubscribe, mosquittoAcl, rulesFor, topicMatches, type BrokerAccount } from '#core/access.ts';
import { topics } from '#core/protocol/topics.ts';

const SCHOOL = 'demo';
const kiosk: BrokerAccount = { username: 'kiosk-1', role: 'kiosk' };
const dropbox: BrokerAccount = { username: 'dropbox-1', role: 'dropbox' };
const counter: BrokerAccount = { username: 'counter-1', role: 'counter' };
const server: BrokerAccount = { username: 'server', role: 'server' };
const monitor: BrokerAccount = { username: 'monitor', role: 'monitor' };

describe('core/access', () => {
  describe('rulesFor', () => {
    it('gives each role its filters', () => {
      assert.deepEqual(rulesFor(SCHOOL, server), { publish: ['library/v1/#'], subscribe: ['library/v1/#'] });
      assert.deepEqual(rulesFor(SCHOOL, kiosk), {
        publish: ['library/v1/demo/kiosk-1/#'],
        subscribe: ['library/v1/demo/kiosk-1/#', 'library/v1/demo/server/#'],
      });
      assert.deepEqual(rulesFor(SCHOOL, dropbox), {
        publish: ['library/v1/demo/dropbox-1/#'],
        subscribe: ['library/v1/demo/dropbox-1/#', 'library/v1/demo/server/#'],
      });
      assert.deepEqual(rulesFor(SCHOOL, counter), { publish: ['library/v1/demo/counter-1/#'], subscribe: ['library/v1/demo/counter-1/#'] });
      assert.deepEqual(rulesFor(SCHOOL, monitor), { publish: [], subscribe: ['library/v1/#'] });
    });
  });

  describe('mayPublish', () => {
    it('lets a kiosk publish under its own id only', () => {
      assert.equal(mayPublish(SCHOOL, kiosk, topics.request(SCHOOL, 'kiosk-1')), true);
      assert.equal(mayPublish(SCHOOL, kiosk, topics.status(SCHOOL, 'kiosk-1')), true);
      assert.equal(mayPublish(SCHOOL, kiosk, topics.event(SCHOOL, 'kiosk-1', 'scan')), true);
      assert.equal(mayPublish(SCHOOL, kiosk, topics.request(SCHOOL, 'kiosk-2')), false);
      assert.equal(mayPublish(SCHOOL, kiosk, topics.status(SCHOOL, 'kiosk-10')), false);
      assert.equal(mayPublish(SCHOOL, kiosk, topics.reply(SCHOOL, 'kiosk-2')), false);
      assert.equal(mayPublish(SCHOOL, kiosk, topics.sync(SCHOOL)), false, 'a kiosk must not announce a sync');
      assert.equal(mayPublish(SCHOOL, kiosk, topics.request('other-school', 'kiosk-1')), false);
      assert.equal(mayPublish(SCHOOL, kiosk, 'elsewhere/kiosk-1/request'), false);
    });

    it('lets the server publish anywhere in the tree and the monitor nowhere', () => {
      for (const t of [topics.reply(SCHOOL, 'kiosk-1'), topics.sync(SCHOOL), topics.event('other', 'server', 'alert')]) {
        assert.equal(mayPublish(SCHOOL, server, t), true, t);
        assert.equal(mayPublish(SCHOOL, monitor, t), false, t);
      }
      assert.equal(mayPublish(SCHOOL, monitor, topics.status(SCHOOL, 'monitor')), false);
      assert.equal(mayPublish(SCHOOL, server, 'outside/tree'), false);
    });

    it('keeps a counter to its own topics', () => {
      assert.equal(mayPublish(SCHOOL, counter, topics.event(SCHOOL, 'counter-1', 'counter')), true);
      assert.equal(mayPublish(SCHOOL, counter, topics.event(SCHOOL, 'kiosk-1', 'counter')), false);
    });
  });

  describe('maySubscribe', () => {
    it('refuses a kiosk the whole tree or other stations’ replies', () => {
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/#'), false);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/demo/#'), false);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/demo/+/reply'), false);
      assert.equal(maySubscribe(SCHOOL, kiosk, topics.reply(SCHOOL, 'kiosk-2')), false);
      assert.equal(maySubscribe(SCHOOL, kiosk, topics.allDeviceEvents(SCHOOL)), false);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/+/kiosk-1/reply'), false, 'a + over the school reaches other schools');
      assert.equal(maySubscribe(SCHOOL, kiosk, '#'), false);
    });

    it('lets a kiosk subscribe its own reply topic and the server’s topics', () => {
      assert.equal(maySubscribe(SCHOOL, kiosk, topics.reply(SCHOOL, 'kiosk-1')), true);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/demo/kiosk-1/#'), true);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/demo/kiosk-1/event/+'), true);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/demo/server/#'), true);
      assert.equal(maySubscribe(SCHOOL, kiosk, topics.sync(SCHOOL)), true);
      assert.equal(maySubscribe(SCHOOL, kiosk, 'library/v1/demo/server/+'), true);
    });

    it('keeps a counter off the server’s topics', () => {
      assert.equal(maySubscribe(SCHOOL, counter, topics.sync(SCHOOL)), false);
      assert.equal(maySubscribe(SCHOOL, counter, 'library/v1/demo/counter-1/#'), true);
    });

    it('lets the monitor and the server subscribe to everything under library/v1', () => {
      for (const acc of [monitor, server]) {
        assert.equal(maySubscribe(SCHOOL, acc, 'library/v1/#'), true);
        assert.equal(maySubscribe(SCHOOL, acc, topics.allRequests(SCHOOL)), true);
        assert.equal(maySubscribe(SCHOOL, acc, '#'), false);
        assert.equal(maySubscribe(SCHOOL, acc, '+/v1/demo/status'), false);
      }
    });
  });

  describe('topicMatches', () => {
    const cases: [string, string, boolean][] = [
      ['a/b/c', 'a/b/c', true],
      ['a/b/c', 'a/b/d', false],
      ['a/b', 'a/b/c', false],
      ['a/b/c', 'a/b', false],
      ['a/+/c', 'a/b/c', true],
      ['a/+/c', 'a//c', true], // + matches an empty level
      ['a/+/c', 'a/b/x/c', false], // + is one level only
      ['a/+', 'a', false],
      ['a/+', 'a/b/c', false],
      ['a/#', 'a', true], // # also matches the parent level
      ['a/#', 'a/b/c/d', true],
      ['a/#', 'ab/c', false],
      ['#', 'anything/at/all', true],
      ['+/+', 'a/b', true],
      ['+', 'a/b', false],
      ['A/b', 'a/b', false], // topics are case sensitive
    ];
    for (const [filter, topic, expected] of cases) {
      it(`${JSON.stringify(filter)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(topic)}`, () => {
        assert.equal(topicMatches(filter, topic), expected);
      });
    }
  });

  describe('filterWithin', () => {
    it('accepts only filters that cannot reach outside the allowed one', () => {
      assert.equal(filterWithin('a/b/#', 'a/#'), true);
      assert.equal(filterWithin('a/+/c', 'a/#'), true);
      assert.equal(filterWithin('a/#', 'a/b/#'), false);
      assert.equal(filterWithin('a/+/c', 'a/b/c'), false);
      assert.equal(filterWithin('a/b/c', 'a/+/c'), true);
      assert.equal(filterWithin('a/#', 'a/+'), false);
      assert.equal(filterWithin('a/b', 'a/+/c'), false);
      assert.equal(filterWithin('a/b/c/d', 'a/+/c'), false);
    });
  });

  describe('mosquittoAcl', () => {
    const acl = mosquittoAcl(SCHOOL, [server, kiosk, counter, monitor]);

    /** The topic lines of one user block. */
    function block(username: string): string[] {
      const lines = acl.split('\n');
      const start = lines.indexOf(`user ${username}`);
      assert.notEqual(start, -1, `no block for ${username}`);
      const out: string[] = [];
      for (const l of lines.slice(start + 1)) {
        if (l === '' || l.startsWith('user ')) break;
        out.push(l);
      }
      return out;
    }

    it('writes one user block per account', () => {
      const users = acl.split('\n').filter((l) => l.startsWith('user '));
      assert.deepEqual(users, ['user server', 'user kiosk-1', 'user counter-1', 'user monitor']);
      assert.match(acl, /^# Generated from core\/access\.ts/);
    });

    it('gives each account the read and write lines of its rules', () => {
      assert.deepEqual(block('server'), ['topic readwrite library/v1/#']);
      assert.deepEqual(block('kiosk-1').sort(), ['topic read library/v1/demo/server/#', 'topic readwrite library/v1/demo/kiosk-1/#']);
      assert.deepEqual(block('counter-1'), ['topic readwrite library/v1/demo/counter-1/#']);
      assert.deepEqual(block('monitor'), ['topic read library/v1/#']);
    });

    it('gives no write line to a read-only account', () => {
      assert.equal(block('monitor').some((l) => /^topic (write|readwrite) /.test(l)), false);
    });
  });
});
