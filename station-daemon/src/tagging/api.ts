/**
 * What the tagging page and the station say to each other over /api/tagging/*. Types only, so the
 * page (kiosk/tagging/main.tsx) imports them without pulling any server code into its bundle.
 */

/**
 * A tag on the pad as the tagging desk sees it:
 *  - blank: no data yet (or an acquisition tag without an item id): ready to be written;
 *  - item: an ISO 28560-3 tag carrying an item id (ours or another library's);
 *  - foreign: data in another data model or with a bad CRC: only written over with `overwrite`;
 *  - unreadable: the reader could not read it (moved, too small): never written.
 */
export type PadTagState = 'blank' | 'item' | 'foreign' | 'unreadable';

export interface PadTagView {
  uid: string;
  state: PadTagState;
  itemId?: string;
  owner?: string | null;
  parts?: number;
  part?: number;
  /** AFI as last read or written. */
  afi?: number;
  /** Title of the item id in the station's replica, when it knows it. */
  title?: string;
  /** Why a foreign or unreadable tag is one (the decoder's reason). */
  reason?: string;
}

export interface TaggingProgress {
  /** Distinct barcodes tagged today (the school's local date). */
  today: number;
  /** Distinct barcodes ever tagged at this station. */
  total: number;
  /** Items in the station's replica: the collection to tag. */
  items: number;
}

/** The last code the station's own scanner read, for the page to fill its barcode field. */
export interface ScanView {
  code: string;
  at: string;
  /** Increases with each scan, so the page sees a repeated code as a new scan. */
  seq: number;
}

export interface TaggingStatus {
  /** The owner ISIL written into every tag. */
  isil: string;
  pad: {
    /** False when the station has no RFID pad configured. */
    fitted: boolean;
    connected: boolean;
    ok: boolean;
    detail?: string;
    tags: PadTagView[];
  };
  lastScan: ScanView | null;
  progress: TaggingProgress;
  /** A write is in progress. */
  busy: boolean;
}

export type TaggingErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_STAFF'
  | 'NO_PAD'
  | 'READER_ERROR'
  | 'BAD_BARCODE'
  | 'UNKNOWN_BARCODE'
  | 'NO_TAG'
  | 'TOO_MANY_TAGS'
  | 'TOO_FEW_TAGS'
  | 'TAG_HAS_OTHER_ITEM'
  | 'TAG_UNREADABLE'
  | 'WRITE_FAILED'
  | 'VERIFY_FAILED'
  | 'AFI_FAILED';

export interface TaggingError {
  code: TaggingErrorCode;
  message_vi: string;
  message_en: string;
  /** TAG_HAS_OTHER_ITEM: sending the same request with overwrite: true writes over it. */
  overwritable?: boolean;
  /** The tags the refusal is about (their UIDs). */
  uids?: string[];
}

export interface TaggedTag {
  uid: string;
  part: number;
  parts: number;
  /** AFI as read back after it was written (null if the pad no longer lists the tag). */
  afi: number | null;
  /** Item id the tag carried before and that was written over ('' for foreign data), else null. */
  overwrote: string | null;
}

export interface TaggingSuccess {
  ok: true;
  barcode: string;
  title: string;
  owner: string;
  parts: number;
  tags: TaggedTag[];
  /** The barcode had been tagged before at this station (a replacement tag, or tagged twice). */
  again: boolean;
  progress: TaggingProgress;
}

export interface TaggingFailure {
  ok: false;
  error: TaggingError;
  /** Tags already written when a later part failed: they carry the item but the set is incomplete. */
  written?: string[];
}

export type TaggingResult = TaggingSuccess | TaggingFailure;

/** POST /api/tagging/write body. */
export interface TaggingWriteRequest {
  barcode: string;
  /** Number of parts in the set (2 for a book with its CD); 1 by default. */
  parts?: number;
  /** Write over tags that carry another item id or another data model. */
  overwrite?: boolean;
}
