import { describe, expect, it } from "vitest";
import { ACTIONS, can, type Action, type Role } from "@/app/lib/permissions";

/** The whole table, written out: a change to who may do what must change this test too. */
const EXPECTED: Record<Action, Record<Role | "none", boolean>> = {
  "room:enter": { partner: true, therapist: true, none: false },
  "agreement:edit": { partner: true, therapist: false, none: false },
  "agreement:consent": { partner: true, therapist: false, none: false },
  "agreement:comment": { partner: true, therapist: true, none: false },
  "exercise:act": { partner: true, therapist: true, none: false },
  "agenda:edit": { partner: true, therapist: true, none: false },
  "agreement:witness": { partner: false, therapist: true, none: false },
  "member:remove-therapist": { partner: true, therapist: false, none: false },
  "access-log:read": { partner: true, therapist: false, none: false },
  "notes:write": { partner: false, therapist: true, none: false },
  "sessions:read": { partner: true, therapist: true, none: false },
  "invite:create:partner": { partner: true, therapist: true, none: false },
  "invite:create:therapist": { partner: true, therapist: false, none: false },
  "invite:list": { partner: true, therapist: true, none: false },
  "invite:revoke": { partner: true, therapist: true, none: false },
};

describe("permissions", () => {
  for (const action of ACTIONS) {
    for (const role of ["partner", "therapist", "none"] as const) {
      it(`${role} ${EXPECTED[action][role] ? "may" : "may not"} ${action}`, () => {
        expect(can(role === "none" ? null : role, action)).toBe(EXPECTED[action][role]);
      });
    }
  }

  it("covers every action", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });
});
