/**
 * Payload schemas for everything that crosses MQTT. The server validates every payload it receives
 * (devices are untrusted) with these; stations validate the server's answers with them too.
 */
import { z } from 'zod';
import { EVENT_TYPES } from './topics.ts';

const isoTime = z.string().datetime({ offset: true });
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const deviceId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** Transaction ids are UUIDv7 made by the station: time-ordered, unique without coordination. */
export const txId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
const code = z.string().min(1).max(64);

export const reasonSchema = z.object({
  code: z.string(),
  message_vi: z.string(),
  message_en: z.string(),
});
export type Reason = z.infer<typeof reasonSchema>;

// ---- station status (retained) ----------------------------------------------------------------

export const deviceHealthSchema = z.object({
  driver: z.string(),
  ok: z.boolean(),
  detail: z.string().optional(),
  /** Is the device plugged in and open (hot-plug drivers). */
  connected: z.boolean().optional(),
  /** Printers: the paper roll as the sensors report it. */
  paper: z.enum(['ok', 'near_end', 'out', 'unknown']).optional(),
});

export const statusSchema = z.object({
  state: z.enum(['online', 'offline']),
  device: deviceId,
  role: z.enum(['server', 'kiosk', 'dropbox', 'desk', 'counter']),
  version: z.string(),
  devices: z.record(z.string(), deviceHealthSchema),
  /**
   * When the status was made. Optional because an ESP32's MQTT birth and last-will payloads are fixed
   * strings set before its clock is known; the server keeps its own receive time as last_seen.
   */
  at: isoTime.optional(),
  /** Journal entries not yet answered by the server. */
  pending: z.number().int().nonnegative().optional(),
});
export type StatusPayload = z.infer<typeof statusSchema>;

// ---- requests (station → server) ---------------------------------------------------------------

const requestBase = {
  id: txId,
  replyTo: z.string().min(1).max(256),
  device: deviceId,
  /** When the station made the transaction (its clock, corrected by its offset to the server). */
  at: isoTime,
  /** True when the station decided alone (server unreachable) and is replaying its journal. */
  offline: z.boolean().optional(),
  /** The station had not yet learnt the server's time when it made this (a Pi has no RTC): `at` may be wrong. */
  unsynced: z.boolean().optional(),
};

export const identifyRequest = z.object({
  ...requestBase,
  type: z.literal('identify'),
  code,
  /** The patron's PIN when the policy asks for one; never journaled or stored. */
  pin: z.string().regex(/^\d{4,6}$/).optional(),
});
export const checkoutRequest = z.object({
  ...requestBase,
  type: z.literal('checkout'),
  patronId: z.string().min(1),
  items: z.array(code).min(1).max(20),
  /** A homeroom teacher borrowing a class set for the classroom corner: the class's name (or id). */
  forClass: z.string().optional(),
  /**
   * Offline replays only: the items the station actually lent when it decided alone (possibly none).
   * The server records exactly these, and queues a conflict if it had already answered differently.
   */
  lent: z.array(code).max(20).optional(),
});
export const checkinRequest = z.object({ ...requestBase, type: z.literal('checkin'), items: z.array(code).min(1).max(50) });
export const renewRequest = z.object({
  ...requestBase,
  type: z.literal('renew'),
  patronId: z.string().min(1),
  items: z.array(code).min(1).max(20),
});
export const syncRequest = z.object({ ...requestBase, type: z.literal('sync'), since: z.number().int().nonnegative() });

export const requestSchema = z.discriminatedUnion('type', [
  identifyRequest,
  checkoutRequest,
  checkinRequest,
  renewRequest,
  syncRequest,
]);
export type StationRequest = z.infer<typeof requestSchema>;
export type RequestType = StationRequest['type'];

// ---- responses (server → station, on replyTo) ----------------------------------------------------

export const responseSchema = z.discriminatedUnion('status', [
  z.object({ id: txId, status: z.literal('ok'), data: z.unknown(), serverTime: isoTime.optional() }),
  z.object({ id: txId, status: z.literal('error'), error: reasonSchema, serverTime: isoTime.optional() }),
]);
export type ResponseEnvelope = z.infer<typeof responseSchema>;

export const patronViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['pupil', 'teacher', 'staff']),
  fullName: z.string(),
  className: z.string().nullable(),
  /** The class this teacher is homeroom teacher of, if any (for class-set loans). */
  homeroomClass: z.string().nullable(),
});
export type PatronView = z.infer<typeof patronViewSchema>;

export const loanViewSchema = z.object({
  barcode: z.string(),
  title: z.string(),
  dueDate: localDate,
  renewals: z.number().int(),
  overdue: z.boolean(),
});
export type LoanView = z.infer<typeof loanViewSchema>;

export const identifyData = z.object({
  patron: patronViewSchema,
  loans: z.array(loanViewSchema),
  /** How many more items this patron may borrow now. */
  remaining: z.number().int().nonnegative(),
  blocked: reasonSchema.nullable(),
});
export type IdentifyData = z.infer<typeof identifyData>;

export const itemResultSchema = z.discriminatedUnion('ok', [
  z.object({ barcode: z.string(), ok: z.literal(true), title: z.string(), dueDate: localDate.nullable() }),
  z.object({ barcode: z.string(), ok: z.literal(false), title: z.string().nullable(), reason: reasonSchema }),
]);
export type ItemResult = z.infer<typeof itemResultSchema>;

export const circulationData = z.object({ items: z.array(itemResultSchema) });
export type CirculationData = z.infer<typeof circulationData>;

// ---- events (server and devices publish; anyone with access may listen) -------------------------

const eventBase = { id: z.string().min(1).max(64), at: isoTime, device: deviceId };

export const circulationEvent = z.object({
  ...eventBase,
  type: z.enum(['checkout', 'checkin', 'renew']),
  station: deviceId,
  patronId: z.string().nullable(),
  items: z.array(z.object({ barcode: z.string(), dueDate: localDate.nullable() })),
  offline: z.boolean().optional(),
});
export const visitEvent = z.object({ ...eventBase, type: z.literal('visit'), station: deviceId, patronId: z.string() });
/**
 * The reading-room door counter (firmware-config/esphome/visitor-counter.yaml). Strict: the firmware
 * writes these fields and no others. Counts are cumulative since the counter booted; `boot` is drawn
 * at random at each boot, so a new value tells the server the counts restarted from 0.
 */
export const counterEvent = z.strictObject({
  ...eventBase,
  type: z.literal('counter'),
  /** People who went in since boot. */
  in: z.number().int().nonnegative(),
  /** People who went out since boot. */
  out: z.number().int().nonnegative(),
  /** 8 lower-case hex digits, new at every boot. */
  boot: z.string().regex(/^[0-9a-f]{8}$/),
  /** Readings published since boot, from 0: orders the readings of one boot. */
  seq: z.number().int().nonnegative(),
});
export type CounterEvent = z.infer<typeof counterEvent>;
export const scanEvent = z.object({ ...eventBase, type: z.literal('scan'), source: z.string(), known: z.boolean() });
export const alertEvent = z.object({
  ...eventBase,
  type: z.literal('alert'),
  code: z.string(),
  message_vi: z.string(),
  message_en: z.string(),
  /** The copy the alert is about, when there is one (a drop box's foreign or not-on-loan book). */
  barcode: code.optional(),
});

export const eventSchema = z.discriminatedUnion('type', [circulationEvent, visitEvent, counterEvent, scanEvent, alertEvent]);
export type LibraryEvent = z.infer<typeof eventSchema>;
export const eventTypeSchema = z.enum(EVENT_TYPES);

// ---- drop box bin (retained, device → server) and commands (retained, server → device) ----------

export const binStateSchema = z.object({
  device: deviceId,
  /** Books dropped since the librarian last marked the bin emptied. */
  count: z.number().int().nonnegative(),
  capacity: z.number().int().positive(),
  nearlyFullAt: z.number().int().positive(),
  /** The full sensor: null when none is fitted. */
  sensorFull: z.boolean().nullable(),
  /** count ≥ nearlyFullAt, or the sensor says full. */
  nearlyFull: z.boolean(),
  /** When it was last emptied (the server's command time), null if never. */
  emptiedAt: isoTime.nullable(),
  lastDropAt: isoTime.nullable(),
  at: isoTime,
});
export type BinState = z.infer<typeof binStateSchema>;

export const deviceCommandSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string().min(1).max(64), type: z.literal('bin-emptied'), at: isoTime, by: z.string().max(64) }),
]);
export type DeviceCommand = z.infer<typeof deviceCommandSchema>;

// ---- sync (replica: snapshot plus numbered changes) ---------------------------------------------

export const syncAnnouncement = z.object({ seq: z.number().int().nonnegative(), at: isoTime });

export const replicaPatron = z.object({
  id: z.string(),
  kind: z.enum(['pupil', 'teacher', 'staff']),
  fullName: z.string(),
  className: z.string().nullable(),
  homeroomClass: z.string().nullable(),
  active: z.boolean(),
  blockedReason: z.string().nullable(),
  textbookEligible: z.boolean(),
  identifiers: z.array(z.string()),
  /** scrypt hash of the PIN, so the station can check it offline; null when none is set. */
  pinHash: z.string().nullable().optional(),
});
export const replicaItem = z.object({
  barcode: z.string(),
  title: z.string(),
  collection: z.string(),
  referenceOnly: z.boolean(),
  status: z.string(),
});
export const replicaLoan = z.object({
  barcode: z.string(),
  patronId: z.string(),
  /** Set for a class-set loan: it belongs to the class, not to the teacher's own allowance. */
  classId: z.string().nullable().optional(),
  dueDate: localDate,
  renewals: z.number().int(),
});
export const changeSchema = z.discriminatedUnion('entity', [
  z.object({ seq: z.number().int(), entity: z.literal('patron'), key: z.string(), data: replicaPatron.nullable() }),
  z.object({ seq: z.number().int(), entity: z.literal('item'), key: z.string(), data: replicaItem.nullable() }),
  z.object({ seq: z.number().int(), entity: z.literal('loan'), key: z.string(), data: replicaLoan.nullable() }),
  // The school calendar changed (the librarian saved it): the data is the whole new calendar, checked by the replica.
  z.object({ seq: z.number().int(), entity: z.literal('calendar'), key: z.string(), data: z.unknown() }),
]);
export type Change = z.infer<typeof changeSchema>;

export const syncData = z.object({
  /** "snapshot": drop the replica and load these rows; "changes": apply them in order. */
  mode: z.enum(['snapshot', 'changes']),
  seq: z.number().int().nonnegative(),
  changes: z.array(changeSchema),
  /** Loan policy and school calendar, so the station decides offline with the server's rules. */
  policy: z.unknown().optional(),
  calendar: z.unknown().optional(),
});
export type SyncData = z.infer<typeof syncData>;

// ---- desk station (role desk): its session view and the dashboard's commands ------------------

export const deskModeSchema = z.enum(['checkout', 'return', 'renew']);
export type DeskMode = z.infer<typeof deskModeSchema>;

/** One line of the desk's log of this session: what was scanned or pressed and the answer. */
export const deskResultSchema = z.object({
  at: isoTime,
  action: z.enum(['checkout', 'checkin', 'renew', 'identify']),
  barcode: z.string().max(64),
  ok: z.boolean(),
  title: z.string().nullable(),
  dueDate: localDate.nullable(),
  reason: reasonSchema.nullable(),
  offline: z.boolean(),
});
export type DeskResult = z.infer<typeof deskResultSchema>;

/**
 * The desk's current session, retained on .../{desk}/desk/state for the server only: the patron at
 * the desk and their open loans, and what was done since the card (no older history).
 */
export const deskViewSchema = z.object({
  device: deviceId,
  open: z.boolean(),
  online: z.boolean(),
  mode: deskModeSchema,
  /** Class-set loan for this homeroom class (a teacher at the desk), else null. */
  forClass: z.string().nullable(),
  patron: patronViewSchema.nullable(),
  loans: z.array(loanViewSchema).max(200),
  remaining: z.number().int().nonnegative(),
  blocked: reasonSchema.nullable(),
  results: z.array(deskResultSchema).max(100),
  busy: z.boolean(),
  notice: z.object({ vi: z.string(), en: z.string() }).nullable(),
  seq: z.number().int().nonnegative(),
  at: isoTime,
});
export type DeskView = z.infer<typeof deskViewSchema>;

/** Dashboard → server → desk station (…/{desk}/desk/command); answered on …/{desk}/desk/reply. */
export const deskCommandSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string().min(1).max(64), type: z.literal('mode'), mode: deskModeSchema }),
  z.object({ id: z.string().min(1).max(64), type: z.literal('forClass'), on: z.boolean() }),
  z.object({ id: z.string().min(1).max(64), type: z.literal('renew'), barcode: code }),
  z.object({ id: z.string().min(1).max(64), type: z.literal('return'), barcode: code }),
  z.object({ id: z.string().min(1).max(64), type: z.literal('finish') }),
]);
export type DeskCommand = z.infer<typeof deskCommandSchema>;

export const deskReplySchema = z.object({
  id: z.string().min(1).max(64),
  device: deviceId,
  ok: z.boolean(),
  error: reasonSchema.nullable(),
  view: deskViewSchema,
});
export type DeskReply = z.infer<typeof deskReplySchema>;
