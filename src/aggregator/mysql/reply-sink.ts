import type { CharsetName } from '../../common/charset.js';
import type { PacketWriter } from './packet-writer.js';

/** Where a reply is built: the writer, and a way to push big replies out as they grow. */
export interface ReplySink {
  readonly w: PacketWriter;
  /**
   * Sends the buffered bytes once they pass the coalescing threshold. Returns a promise only
   * when the socket is full and the caller must wait for 'drain' (rare), so row loops stay sync.
   */
  spill(): Promise<void> | undefined;
  /** The client is gone: nothing written reaches it any more. */
  closed(): boolean;
}

/** Result-set framing choices negotiated at connect, and the session's character_set_results. */
export interface ResultFormat {
  readonly deprecateEof: boolean;
  /** Collation id for text columns. */
  readonly textCharset: number;
  /** The charset text values are sent in (binary strings go as their bytes). */
  readonly charset: CharsetName;
  /** Its longest character in bytes: text column lengths are characters × this. */
  readonly maxBytesPerChar: number;
}
