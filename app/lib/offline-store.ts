"use client";

/**
 * Edits not yet saved, kept in this browser's IndexedDB so that they survive a reload or a
 * closed tab while offline, and are merged when the room connects again.
 *
 * Only while something is unsaved: the copy is deleted as soon as the server says everything is
 * saved, and on quick exit, sign-out, or when the server refused a change (the page then reloads
 * the room's own state). One entry per person and room, so someone else signing in on the same
 * device never sends it.
 */
const DB = "mend-offline";
const STORE = "unsaved";

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === "undefined") return Promise.resolve(null);
  return new Promise((resolve) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    // Private browsing or a full disk: the room still works, just without the offline copy.
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
  const db = await open();
  if (!db) return undefined;
  try {
    return await new Promise<T | undefined>((resolve) => {
      const tx = db.transaction(STORE, mode);
      const request = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => resolve(undefined);
      tx.onabort = () => resolve(undefined);
    });
  } finally {
    db.close();
  }
}

const key = (userId: string, roomId: string) => `${userId}:${roomId}`;

/** The whole document as this person last had it with unsaved edits, or null. */
export async function readUnsaved(userId: string, roomId: string): Promise<Uint8Array | null> {
  const value = await run("readonly", (s) => s.get(key(userId, roomId)) as IDBRequest<Uint8Array | undefined>);
  return value instanceof Uint8Array ? value : null;
}

export async function writeUnsaved(userId: string, roomId: string, state: Uint8Array): Promise<void> {
  await run("readwrite", (s) => s.put(state, key(userId, roomId)));
}

export async function clearUnsaved(userId: string, roomId: string): Promise<void> {
  await run("readwrite", (s) => s.delete(key(userId, roomId)));
}

/** Quick exit and sign-out: nothing of any room stays on this device. */
export function clearAllUnsaved(): Promise<void> {
  if (typeof indexedDB === "undefined") return Promise.resolve();
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DB);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}
