import { Capability, Charset, Header } from './constants.js';
import { MalformedPacketError, PacketReader } from './packet-reader.js';
import type { PacketWriter } from './packet-writer.js';

export interface HandshakeParams {
  readonly connectionId: number;
  readonly serverVersion: string;
  readonly scramble: Buffer;
  readonly capabilities: number;
  readonly statusFlags: number;
  readonly authPlugin: string;
}

/** Writes HandshakeV10 (protocol 10) as one packet. */
export function writeHandshakeV10(w: PacketWriter, p: HandshakeParams): void {
  w.begin()
    .u8(10)
    .nulStr(p.serverVersion)
    .u32(p.connectionId)
    .bytes(p.scramble.subarray(0, 8))
    .u8(0)
    .u16(p.capabilities & 0xffff)
    .u8(Charset.UTF8MB4_0900_AI_CI)
    .u16(p.statusFlags)
    .u16(p.capabilities >>> 16)
    .u8(p.scramble.length + 1)
    .zeros(10)
    .bytes(p.scramble.subarray(8))
    .u8(0)
    .nulStr(p.authPlugin)
    .end();
}

export interface HandshakeResponse {
  readonly capabilities: number;
  readonly maxPacket: number;
  readonly charset: number;
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | null;
  /** '' when the client did not name one (no PLUGIN_AUTH). */
  readonly authPlugin: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** True when the packet is an SSLRequest (the client wants TLS, which we did not offer). */
export function isSslRequest(payload: Buffer): boolean {
  return payload.length === 32 && (payload.readUInt32LE(0) & Capability.SSL) !== 0;
}

/** Parses HandshakeResponse41. Throws MalformedPacketError for anything else (320 included). */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PacketReader(payload);
  const capabilities = r.u32();
  if ((capabilities & Capability.PROTOCOL_41) === 0) {
    throw new MalformedPacketError('the client does not speak protocol 4.1');
  }
  const maxPacket = r.u32();
  const charset = r.u8();
  r.skip(23);
  const user = r.nulStr();
  let authResponse: Buffer;
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) authResponse = r.lenencBytes();
  else if (capabilities & Capability.SECURE_CONNECTION) authResponse = r.bytes(r.u8());
  else authResponse = r.nulBytes();
  let database: string | null = null;
  if (capabilities & Capability.CONNECT_WITH_DB && r.remaining > 0) database = r.nulStr() || null;
  let authPlugin = '';
  if (capabilities & Capability.PLUGIN_AUTH && r.remaining > 0) authPlugin = r.nulStr();
  const attributes = new Map<string, string>();
  if (capabilities & Capability.CONNECT_ATTRS && r.remaining > 0) {
    const total = r.lenencLength();
    const end = r.pos + total;
    while (r.pos < end) attributes.set(r.lenencStr(), r.lenencStr());
  }
  return { capabilities, maxPacket, charset, user, authResponse, database, authPlugin, attributes };
}

export interface ChangeUserRequest {
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | null;
  readonly charset: number | null;
  readonly authPlugin: string;
}

/** COM_CHANGE_USER body (after the command byte). */
export function parseChangeUser(r: PacketReader, clientCaps: number): ChangeUserRequest {
  const user = r.nulStr();
  const authResponse = clientCaps & Capability.SECURE_CONNECTION ? r.bytes(r.u8()) : r.nulBytes();
  const database = r.remaining > 0 ? r.nulStr() || null : null;
  const charset = r.remaining >= 2 ? r.u16() : null;
  const authPlugin = clientCaps & Capability.PLUGIN_AUTH && r.remaining > 0 ? r.nulStr() : '';
  return { user, authResponse, database, charset, authPlugin };
}

/** AuthSwitchRequest: 0xFE, plugin name, the plugin's data (a scramble plus NUL for both of ours). */
export function writeAuthSwitch(w: PacketWriter, plugin: string, scramble: Buffer): void {
  w.begin().u8(Header.EOF).nulStr(plugin).bytes(scramble).u8(0).end();
}

/** AuthMoreData: 0x01 then plugin-specific bytes. */
export function writeAuthMoreData(w: PacketWriter, data: Uint8Array): void {
  w.begin().u8(Header.AUTH_MORE_DATA).bytes(data).end();
}
