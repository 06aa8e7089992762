/**
 * The Yjs websocket wire protocol as Mend speaks it: y-websocket's message types plus two of
 * our own, and the close codes the server uses. Shared by the server, the browser and tests.
 */
export const MessageType = {
  /** y-protocols/sync: step 1, step 2, update. */
  sync: 0,
  /** y-protocols/awareness update. */
  awareness: 1,
  /** Server → client: a Y snapshot (state vector + delete set) of what is committed in Postgres. */
  saved: 100,
  /** Server → client: a JSON notice, e.g. why an update was refused. */
  notice: 101,
  /**
   * Server → client: JSON `PresentMember[]`, everyone with the room open, from the server's own
   * connections (awareness is what clients say about themselves; this cannot be left out).
   */
  presence: 102,
} as const;

export interface PresentMember {
  userId: string;
  name: string;
  role: "partner" | "therapist";
}

/** The largest websocket frame the server accepts. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Frames a client may send while its room is still loading (kept and replayed): at most this
 * many, and at most MAX_FRAME_BYTES in all.
 */
export const MAX_EARLY_FRAMES = 64;

/**
 * 4400-4499 tell y-websocket's provider not to reconnect (the decision is final);
 * 1xxx codes are transient and the provider retries with backoff.
 */
export const CloseCode = {
  /** Server restarting or shutting down: reconnect. */
  goingAway: 1001,
  /** The frame could not be decoded. */
  malformed: 1007,
  /** Too many frames sent before the room was ready. */
  policy: 1008,
  /** The frame is over MAX_FRAME_BYTES (sent by `ws` itself). */
  tooBig: 1009,
  /** Something failed on our side. */
  internalError: 1011,
  /** The session ended or is no longer valid. */
  unauthenticated: 4401,
  /** No longer a member of this room. */
  forbidden: 4403,
} as const;

export interface Notice {
  /**
   * "saving-paused": the database cannot be reached; the room keeps working and retries.
   * "saving-full": meanwhile the room holds all the unsaved work it may; this client's edits
   * stay with it, and the server asks for them (sync step 1) once saving is back.
   */
  kind: "update-refused" | "info" | "saving-paused" | "saving-full";
  message: string;
  /** The client's copy has changes the room refused: drop it and load the room's again. */
  resync?: boolean;
}
