/**
 * A room with people in it, connected the way the app connects: each person has a Yjs client
 * (shared state) and a socket.io client (commands). Optionally a therapist.
 */
import type { Socket } from "socket.io-client";
import { api, newPerson, pairedRoom, type Person } from "./http";
import { command, connectSocket } from "./socket";
import { connectY, type YClient } from "./yjs-client";

export interface Participant {
  person: Person;
  y: YClient;
  socket: Socket;
  /** Sends a socket.io command for this room (roomId is added). */
  send(event: string, payload?: Record<string, unknown>): ReturnType<typeof command>;
}

export interface Scene {
  roomId: string;
  ana: Participant;
  ben: Participant;
  tess?: Participant;
  close(): void;
}

async function join(base: string, roomId: string, person: Person): Promise<Participant> {
  const [y, socket] = await Promise.all([connectY(base, roomId, person.cookie), connectSocket(base, person.cookie)]);
  return { person, y, socket, send: (event, payload = {}) => command(socket, event, { roomId, ...payload }) };
}

export async function therapistJoins(base: string, roomId: string, inviter: Person): Promise<Person> {
  const tess = await newPerson(base, "Tess", "therapist");
  const invite = await api(base, "POST", `/api/rooms/${roomId}/invites`, { cookie: inviter.cookie, body: { role: "therapist" } });
  const accepted = await api(base, "POST", `/api/invites/${invite.body.token}/accept`, { cookie: tess.cookie });
  if (accepted.status !== 200) throw new Error(`therapist invite failed: ${JSON.stringify(accepted.body)}`);
  return tess;
}

/** Two partners (Ana created the room, Ben accepted her invite), and a therapist if asked. */
export async function roomScene(base: string, options: { therapist?: boolean } = {}): Promise<Scene> {
  const { a, b, roomId } = await pairedRoom(base);
  const t = options.therapist ? await therapistJoins(base, roomId, a) : null;
  const [ana, ben, tess] = await Promise.all([join(base, roomId, a), join(base, roomId, b), t ? join(base, roomId, t) : undefined]);
  const all = [ana, ben, tess].filter((p): p is Participant => p !== undefined);
  return {
    roomId,
    ana,
    ben,
    tess,
    close: () => {
      for (const p of all) {
        p.y.close();
        p.socket.close();
      }
    },
  };
}
