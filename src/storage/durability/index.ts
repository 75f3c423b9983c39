export { LeafStore, type LeafStoreOptions } from './store.js';
export type { Durability } from './group-commit.js';
export type { DurabilityLogger } from './recovery.js';
export { frame, scanFrames, packValue, unpackValue, crc32, FRAME_HEADER } from './record.js';
export { syncDir } from './log-file.js';
