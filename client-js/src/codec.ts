/**
 * The wire codec: packets to and from JSON text, batches, SSE events and binary WebSocket
 * frames, byte for byte as `crates/tramline-protocol` does (checked against the golden
 * fixtures in `tests/fixtures/wire/`).
 *
 * Why this module exists: it is the codec's one import path. The model is in `packet.ts`,
 * encoding in `encode.ts`, decoding in `decode.ts`; nothing here does IO or looks at what an
 * event means.
 */

export * from "./packet.js";
export * from "./encode.js";
export * from "./decode.js";
