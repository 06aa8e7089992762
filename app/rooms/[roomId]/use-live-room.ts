"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import * as decoding from "lib0/decoding";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { AwarenessState } from "@/app/lib/awareness";
import { UnsavedWords } from "@/app/lib/saved-state";
import { reconnectDelay } from "@/app/lib/backoff";
import { clearUnsaved, readUnsaved, writeUnsaved } from "@/app/lib/offline-store";
import { CloseCode, MessageType, type Notice, type PresentMember } from "@/app/lib/wire";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "no-access";
export type SaveState = "saved" | "saving" | "waiting" | "paused";

export interface Peer {
  clientId: number;
  userId: string;
  name: string;
  role: "partner" | "therapist";
  color: string;
  typing: boolean;
  cursor: AwarenessState["cursor"];
}

export type CommandAck = { ok: true } & Record<string, unknown> | { ok: false; error: { code: string; message: string } };

export interface LiveRoom {
  /** Null until the effect has run (the doc and its connection live exactly as long as the page). */
  doc: Y.Doc | null;
  provider: WebsocketProvider | null;
  connection: ConnectionState;
  saveState: SaveState;
  synced: boolean;
  peers: Peer[];
  /** Everyone with the room open, as the server knows it (nobody can be here unseen). */
  present: PresentMember[];
  notice: string | null;
  dismissNotice(): void;
  /** Sends a socket.io command and resolves its acknowledgement (or a gentle error). */
  command(event: string, payload: Record<string, unknown>): Promise<CommandAck>;
}

/** While connected: how long saving may lag before unsaved edits are copied to this browser's storage. */
const KEEP_OFFLINE_AFTER_MS = 300;
const RESTORED = Symbol("restored from this browser");

/**
 * Joins the room over both channels: Yjs for shared state, socket.io for commands. Edits not
 * yet saved are kept in this browser (app/lib/offline-store.ts) until they are.
 */
export function useLiveRoom(roomId: string, userId: string): LiveRoom {
  const [live, setLive] = useState<{ doc: Y.Doc; provider: WebsocketProvider } | null>(null);
  const [yjsConnection, setConnection] = useState<ConnectionState>("connecting");
  /** Commands go over socket.io: the room counts as connected only when both channels are. */
  const [commandsUp, setCommandsUp] = useState(false);
  const [synced, setSynced] = useState(false);
  const [saveState, setSaveState] = useState<SaveState>("waiting");
  const [peers, setPeers] = useState<Peer[]>([]);
  const [present, setPresent] = useState<PresentMember[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  /** Bumped when the server refused our change: the doc is rebuilt from the room's state. */
  const [generation, setGeneration] = useState(0);
  const socketRef = useRef<Socket | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const provider = new WebsocketProvider(`${scheme}://${window.location.host}/yjs`, roomId, doc, {
      connect: false,
      disableBc: true,
      maxBackoffTime: 10_000,
    });
    // The doc and its socket are an external system created here, once per mount.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLive({ doc, provider });
    let committed: Y.Snapshot | null = null;
    let everConnected = false;
    /** The server said it cannot reach its storage; cleared by the next "saved". */
    let paused = false;
    /** This page is gone (or rebuilding): nothing more is written to this browser's storage. */
    let stopped = false;
    /** A copy of unsaved edits may be in this browser's storage. */
    let kept = false;
    let keepTimer: ReturnType<typeof setTimeout> | undefined;
    // Everything but the server's own updates: typing here, and words restored from this browser.
    const unsaved = new UnsavedWords(doc, (origin) => origin === provider);
    const isSaved = () => unsaved.savedIn(committed);
    const refreshSaved = () => {
      const saved = isSaved();
      setSaveState(committed === null ? "waiting" : saved ? "saved" : paused ? "paused" : "saving");
      if (saved && kept) {
        kept = false;
        void clearUnsaved(userId, roomId);
      }
    };
    /** A copy is being written; another is due when it ends (it holds later words). */
    let writing = false;
    let writeAgain = false;
    /** Keeps the whole document (it is small) in this browser while anything is unsaved. */
    const keepNow = () => {
      clearTimeout(keepTimer);
      keepTimer = undefined;
      if (stopped || isSaved()) return;
      kept = true;
      if (writing) {
        writeAgain = true;
        return;
      }
      writing = true;
      void writeUnsaved(userId, roomId, Y.encodeStateAsUpdate(doc)).finally(() => {
        writing = false;
        if (writeAgain) {
          writeAgain = false;
          keepNow();
        }
      });
    };
    /**
     * After a local edit. While connected, words are usually saved within moments and never
     * touch this device's storage: a copy is made only once saving has lagged. Once a copy is
     * kept, or the server is out of reach, every edit is copied at once: those words exist only
     * here, and a tab closed a moment after typing must not lose the last of them.
     */
    const keepSoon = () => {
      if (kept || !provider.wsconnected) return keepNow();
      keepTimer ??= setTimeout(keepNow, KEEP_OFFLINE_AFTER_MS);
    };

    /** The room was full of unsaved work: our edits wait here until the server asks for them. */
    let holdingBack: string | null = null;
    provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
      committed = Y.decodeSnapshot(decoding.readVarUint8Array(decoder));
      paused = false;
      refreshSaved();
      if (holdingBack !== null && isSaved()) {
        const shown = holdingBack;
        holdingBack = null;
        setNotice((current) => (current === shown ? null : current));
      }
    };
    provider.messageHandlers[MessageType.presence] = (_encoder, decoder) => {
      setPresent(JSON.parse(decoding.readVarString(decoder)) as PresentMember[]);
    };
    provider.messageHandlers[MessageType.notice] = (_encoder, decoder) => {
      const n = JSON.parse(decoding.readVarString(decoder)) as Notice;
      if (n.kind === "saving-paused" || n.kind === "saving-full") {
        paused = true;
        refreshSaved();
        if (n.kind === "saving-full") {
          holdingBack = n.message;
          setNotice(n.message);
        }
        return;
      }
      setNotice(n.message);
      if (n.resync) {
        // The server refused a change: the copy kept here would bring it back on every load.
        stopped = true;
        clearTimeout(keepTimer);
        void clearUnsaved(userId, roomId).finally(() => setGeneration((g) => g + 1));
      }
    };
    /** Access ended: final, whatever the provider reports afterwards. */
    let ended = false;
    // Reconnects wait a jittered, growing time (app/lib/backoff.ts) instead of y-websocket's
    // fixed steps, so a restarted server is not met by every browser at the same instant.
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    provider.on("connection-close", (event) => {
      if (!provider.shouldConnect || ended || stopped) return;
      if (event && event.code >= 4400 && event.code < 4500) return; // final: "closed" follows
      provider.shouldConnect = false; // y-websocket's own retry, already scheduled, does nothing
      clearTimeout(retry);
      retry = setTimeout(() => {
        if (!ended && !stopped) provider.connect();
      }, reconnectDelay(attempt++, Math.random()));
    });
    provider.on("status", ({ status }) => {
      if (ended) return;
      if (status === "connected") {
        everConnected = true;
        attempt = 0;
      }
      setConnection(status === "connected" ? "connected" : everConnected ? "reconnecting" : "connecting");
      if (status !== "connected") {
        setSynced(false);
        setPresent([]);
      }
    });
    provider.on("sync", (isSynced: boolean) => setSynced(isSynced));
    const noAccess = () => {
      ended = true;
      setConnection("no-access");
      setPresent([]);
      provider.disconnect(); // final: do not keep knocking
    };
    provider.on("closed", ({ code }) => {
      if (code === CloseCode.forbidden || code === CloseCode.unauthenticated) noAccess();
    });
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      refreshSaved();
      if (origin !== provider && origin !== RESTORED) keepSoon();
    };
    doc.on("update", onUpdate);

    const onAwareness = () => {
      const list: Peer[] = [];
      for (const [clientId, state] of provider.awareness.getStates()) {
        const s = state as AwarenessState;
        if (clientId === doc.clientID || !s.user) continue;
        list.push({ clientId, userId: s.user.id, name: s.user.name, role: s.user.role, color: s.user.color, typing: Boolean(s.typing), cursor: s.cursor ?? null });
      }
      setPeers(list);
    };
    provider.awareness.on("change", onAwareness);
    // A fresh awareness state has clock 0, which peers ignore (they only take newer clocks);
    // publishing a real state first makes us visible at once instead of after the 15 s renewal.
    provider.awareness.setLocalState({ typing: null, cursor: null });
    // Edits this person made here and never saw saved (offline, then a reload) come back first,
    // so the first sync sends them.
    void readUnsaved(userId, roomId)
      .then((state) => {
        if (!state || stopped) return;
        kept = true;
        Y.applyUpdate(doc, state, RESTORED);
      })
      .catch(() => {})
      .finally(() => {
        if (!stopped) provider.connect();
      });

    const socket = io({ path: "/socket.io", transports: ["websocket"] });
    socketRef.current = socket;
    socket.on("disconnect", () => setCommandsUp(false));
    socket.on("room:access-ended", ({ roomId: ended }: { roomId: string }) => {
      if (ended === roomId) noAccess();
    });
    socket.on("connect", () => {
      setCommandsUp(true);
      socket.emit("room:join", { roomId }, (ack: { ok: boolean; error?: { code: string } }) => {
        if (!ack.ok && ack.error?.code === "forbidden") setConnection("no-access");
      });
    });

    return () => {
      stopped = true;
      clearTimeout(keepTimer);
      clearTimeout(retry);
      socket.disconnect();
      provider.awareness.off("change", onAwareness);
      doc.off("update", onUpdate);
      unsaved.destroy();
      provider.destroy();
      doc.destroy();
      setLive(null);
    };
  }, [roomId, userId, generation]);

  const command = useCallback(async (event: string, payload: Record<string, unknown>): Promise<CommandAck> => {
    const socket = socketRef.current;
    // A click right after the page opens may come before the command channel is up: wait a little.
    if (socket && !socket.connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        socket.once("connect", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (!socket?.connected) return { ok: false, error: { code: "unavailable", message: "Not connected right now. Please try again in a moment." } };
    try {
      return (await socket.timeout(10_000).emitWithAck(event, payload)) as CommandAck;
    } catch {
      return { ok: false, error: { code: "unavailable", message: "No answer from the server. Please try again." } };
    }
  }, []);

  const connection: ConnectionState = yjsConnection === "connected" && !commandsUp ? "connecting" : yjsConnection;
  return {
    doc: live?.doc ?? null,
    provider: live?.provider ?? null,
    connection,
    saveState,
    synced,
    peers,
    present,
    notice,
    dismissNotice: () => setNotice(null),
    command,
  };
}
