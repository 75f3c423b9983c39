import { Header } from './constants.js';
import type { PacketWriter } from './packet-writer.js';

export interface OkFields {
  readonly affectedRows: number | bigint;
  readonly insertId: number | bigint;
  readonly status: number;
  readonly warnings: number;
  readonly info?: string;
  /** CLIENT_SESSION_TRACK was negotiated: the info string is then always sent, length-encoded. */
  readonly sessionTrack?: boolean;
}

export function writeOk(w: PacketWriter, ok: OkFields): void {
  w.begin()
    .u8(Header.OK)
    .lenencInt(ok.affectedRows)
    .lenencInt(ok.insertId)
    .u16(ok.status)
    .u16(ok.warnings & 0xffff);
  // Length-encoded, as MySQL's server writes it and libmysql/libmariadb read it. With
  // SESSION_TRACK it is always there; without, clients differ (mysql2 reads string<EOF>), so
  // we offer SESSION_TRACK and every client reads the same bytes.
  if (ok.sessionTrack === true) w.lenencStr(ok.info ?? '');
  else if (ok.info) w.lenencStr(ok.info);
  w.end();
}

/** The pre-DEPRECATE_EOF terminator. */
export function writeEof(w: PacketWriter, status: number, warnings: number): void {
  w.begin().u8(Header.EOF).u16(warnings & 0xffff).u16(status).end();
}

/** End of a result set's rows: EOF, or an OK packet with the 0xFE header under DEPRECATE_EOF. */
export function writeResultEnd(w: PacketWriter, deprecateEof: boolean, status: number, warnings: number): void {
  if (!deprecateEof) return writeEof(w, status, warnings);
  w.begin().u8(Header.EOF).u8(0).u8(0).u16(status).u16(warnings & 0xffff).end();
}

export interface ErrFields {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

export function writeErr(w: PacketWriter, e: ErrFields): void {
  const state = (e.sqlState + 'HY000').slice(0, 5);
  w.begin().u8(Header.ERR).u16(e.errno).u8(0x23).str(state).str(e.message).end();
}
