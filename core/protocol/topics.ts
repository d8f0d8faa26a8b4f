/**
 * The MQTT topic tree, versioned: library/v1/{school}/{device}/...
 * Every process builds and parses topics here and nowhere else.
 */
export const ROOT = 'library/v1';
export const SERVER_DEVICE = 'server';

export const EVENT_TYPES = ['checkout', 'checkin', 'renew', 'visit', 'counter', 'scan', 'alert'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

/** True when s can stand as one topic segment (a school or device id): no wildcards, no slashes. */
export function isSegment(s: string): boolean {
  return SEGMENT.test(s);
}

export const topics = {
  status: (school: string, device: string) => `${ROOT}/${school}/${device}/status`,
  event: (school: string, device: string, type: EventType) => `${ROOT}/${school}/${device}/event/${type}`,
  request: (school: string, device: string) => `${ROOT}/${school}/${device}/request`,
  reply: (school: string, device: string) => `${ROOT}/${school}/${device}/reply`,
  /** Retained by a drop box: its bin (count since emptied, full sensor). */
  bin: (school: string, device: string) => `${ROOT}/${school}/${device}/bin`,
  /** Retained by the server: the latest command for that device (e.g. "bin emptied"). */
  command: (school: string, device: string) => `${ROOT}/${school}/${device}/command`,
  /** Retained by the server: the newest change sequence number stations should sync to. */
  sync: (school: string) => `${ROOT}/${school}/${SERVER_DEVICE}/sync`,
  /** Desk station (role desk): its session view, retained, readable by the server only (own topic). */
  deskState: (school: string, device: string) => `${ROOT}/${school}/${device}/desk/state`,
  /** Server → desk: a command from the dashboard (only the server and the desk may publish here). */
  deskCommand: (school: string, device: string) => `${ROOT}/${school}/${device}/desk/command`,
  /** Desk → server: the answer to one command, by its id. */
  deskReply: (school: string, device: string) => `${ROOT}/${school}/${device}/desk/reply`,
  /** Subscriptions. */
  allDesks: (school: string) => `${ROOT}/${school}/+/desk/+`,
  allRequests: (school: string) => `${ROOT}/${school}/+/request`,
  allStatus: (school: string) => `${ROOT}/${school}/+/status`,
  allDeviceEvents: (school: string) => `${ROOT}/${school}/+/event/+`,
  allBins: (school: string) => `${ROOT}/${school}/+/bin`,
  everything: () => `${ROOT}/#`,
} as const;

export type TopicKind = 'status' | 'event' | 'request' | 'reply' | 'sync' | 'bin' | 'command' | 'other';

export interface ParsedTopic {
  school: string;
  device: string;
  kind: TopicKind;
  eventType?: string;
}

/** Parses library/v1/{school}/{device}/{kind}[/{type}]; null when the topic is outside the tree. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 5 || `${parts[0]}/${parts[1]}` !== ROOT) return null;
  const [, , school, device, kind, type, ...rest] = parts;
  if (!school || !device || !kind || !isSegment(school) || !isSegment(device)) return null;
  if (rest.length > 0) return { school, device, kind: 'other' };
  if (kind === 'event' && type) return isSegment(type) ? { school, device, kind: 'event', eventType: type } : { school, device, kind: 'other' };
  if (type !== undefined) return { school, device, kind: 'other' };
  if (kind === 'status' || kind === 'request' || kind === 'reply' || kind === 'sync' || kind === 'bin' || kind === 'command') return { school, device, kind };
  return { school, device, kind: 'other' };
}
