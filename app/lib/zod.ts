/**
 * zod, configured for the browser as well as the server: no `new Function` probe or compiled
 * validators (the Content-Security-Policy forbids eval, and probing for it is itself reported as
 * a violation). Mend's validation is small and not on a hot path.
 */
import { z } from "zod";

z.config({ jitless: true });

export { z };
