import assert from 'node:assert/strict';
import { topicMatches } from '#core/access.ts';
import { EVENT_TYPES, ROOT, isSegment, parseTopic, topics } from '#core/protocol/topics.ts';

describe('core/protocol/topics', () => {
  describe('builders and parseTopic', () => {
    it('round-trips status, request and reply topics', () => {
      assert.equal(topics.status('demo', 'kiosk-1'), 'library/v1/demo/kiosk-1/status');
      for (const kind of ['status', 'request', 'reply'] as const) {
        assert.deepEqual(parseTopic(topics[kind]('demo', 'kiosk-1')), { school: 'demo', device: 'kiosk-1', kind });
      }
    });

    it('round-trips every event type', () => {
      for (const type of EVENT_TYPES) {
        const t = topics.event('thcs_01', 'dropbox-2', type);
        assert.equal(t, `${ROOT}/thcs_01/dropbox-2/event/${type}`);
        assert.deepEqual(parseTopic(t), { school: 'thcs_01', device: 'dropbox-2', kind: 'event', eventType: type });
      }
    });

    it('puts the sync announcement under the server device', () => {
      assert.equal(topics.sync('demo'), 'library/v1/demo/server/sync');
      assert.deepEqual(parseTopic(topics.sync('demo')), { school: 'demo', device: 'server', kind: 'sync' });
    });

    it('builds subscription filters that match what the builders make', () => {
      assert.equal(topicMatches(topics.allRequests('demo'), topics.request('demo', 'kiosk-1')), true);
      assert.equal(topicMatches(topics.allRequests('demo'), topics.reply('demo', 'kiosk-1')), false);
      assert.equal(topicMatches(topics.allStatus('demo'), topics.status('demo', 'kiosk-1')), true);
      assert.equal(topicMatches(topics.allDeviceEvents('demo'), topics.event('demo', 'kiosk-1', 'checkout')), true);
      assert.equal(topicMatches(topics.allDeviceEvents('other'), topics.event('demo', 'kiosk-1', 'checkout')), false);
      assert.equal(topicMatches(topics.everything(), topics.sync('demo')), true);
    });
  });

  describe('parseTopic outside the tree', () => {
    it('returns null for other roots, versions and short topics', () => {
      assert.equal(parseTopic('library/v2/demo/kiosk-1/status'), null);
      assert.equal(parseTopic('other/v1/demo/kiosk-1/status'), null);
      assert.equal(parseTopic('library/v1/demo/kiosk-1'), null);
      assert.equal(parseTopic('library/v1'), null);
      assert.equal(parseTopic(''), null);
    });

    it('returns null for wildcards or empty levels where the school or device stands', () => {
      assert.equal(parseTopic('library/v1/+/kiosk-1/status'), null);
      assert.equal(parseTopic('library/v1/demo/#/status'), null);
      assert.equal(parseTopic('library/v1/demo/+/request'), null);
      assert.equal(parseTopic('library/v1//kiosk-1/status'), null);
      assert.equal(parseTopic('library/v1/demo//status'), null);
    });

    it('calls extra levels and unknown kinds "other"', () => {
      assert.equal(parseTopic('library/v1/demo/kiosk-1/status/extra')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/request/x/y')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/event/checkout/extra')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/event')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/event/')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/telemetry')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/status/')?.kind, 'other');
      assert.equal(parseTopic('library/v1/demo/kiosk-1/event/checkout/extra')?.eventType, undefined);
    });

    // BUG (core/protocol/topics.ts, parseTopic, `if (kind === 'event' && type) return {..., eventType: type}`):
    // the event type level is not checked, so a wildcard there parses as an event with eventType '+'
    // or '#'. Fix: accept the type only when isSegment(type) (or EVENT_TYPES includes it) and return
    // kind 'other' otherwise, as the school and device levels already do.
    it('does not take a wildcard in the event type level for an event', () => {
      for (const t of ['library/v1/demo/kiosk-1/event/+', 'library/v1/demo/kiosk-1/event/#']) {
        const p = parseTopic(t);
        assert.ok(p === null || p.kind === 'other', `${t} parsed as ${JSON.stringify(p)}`);
      }
    });
  });

  describe('isSegment', () => {
    it('accepts ids made of letters, digits, _ and - up to 64 characters', () => {
      assert.equal(isSegment('kiosk-1'), true);
      assert.equal(isSegment('THCS_01'), true);
      assert.equal(isSegment('a'.repeat(64)), true);
    });

    it('refuses wildcards, slashes, spaces, empty and over-long ids', () => {
      for (const s of ['+', '#', 'a/b', 'kiosk 1', '', 'a'.repeat(65), 'tầng-1', '$SYS']) assert.equal(isSegment(s), false, s);
    });
  });
});
