/**
 * Moves encoded messages between an aggregator and one leaf: a request's bytes out, its
 * response's bytes back. The TCP transport (cluster issue) frames them on a socket; the
 * loopback transport hands them to the leaf's handler in this process.
 */
export interface LeafTransport {
  request(bytes: Uint8Array): Promise<Uint8Array>;
}

/** The leaf side: decodes a request, runs it, encodes the response (leaf/leaf-handler.ts). */
export type MessageHandler = (bytes: Uint8Array) => Promise<Uint8Array>;

/**
 * The in-process transport. Every message is encoded and decoded as on a socket (the codec's
 * bytes are fresh copies), so neither side can hold the other's objects.
 */
export class LoopbackTransport implements LeafTransport {
  messages = 0;
  bytes = 0;

  constructor(private readonly handler: MessageHandler) {}

  async request(bytes: Uint8Array): Promise<Uint8Array> {
    this.messages++;
    this.bytes += bytes.byteLength;
    const reply = await this.handler(bytes);
    this.bytes += reply.byteLength;
    return reply;
  }
}
