import { fakeName, seededRandom, startSimServer, type SimResponse } from '../../core/sim-server.ts';
import type { SimStatus, SimulatorHandle, SimulatorOptions } from '../../core/vendor-module.ts';

// The simulator's own reading of portal-pbx.txt and the README's facts: it shares no type or constant
// with the adapter, so a misreading in one is caught by the other.

/** The envelope of every answer. */
interface PortalEnvelope {
  /** Outcome text. */
  message: string;
  /** Success, or (get/extension) registration. */
  status: boolean;
  /** Node. */
  node: string;
  /** Seconds taken. */
  executionTime: string | number;
}
/** E911 data. */
type PortalE911 = Record<string, string | null>;
/** One listed extension. */
interface PortalListItem {
  /** Number. */
  number: number | string;
  /** First name. */
  firstName: string | null;
  /** Last name. */
  lastName: string | null;
  /** Registration, "1"/"0" as in the example. */
  status: '1' | '0';
}
/** get/extensions answer. */
interface PortalListAnswer extends PortalEnvelope {
  /** Count. */
  count: number;
  /** Extensions. */
  result: PortalListItem[];
}
/** get/extension answer. */
interface PortalExtensionAnswer extends PortalEnvelope {
  /** Number. */
  number?: number | string;
  /** First name. */
  firstName?: string | null;
  /** Last name. */
  lastName?: string | null;
  /** E-mail. */
  email?: string | null;
  /** Caller id. */
  callerId?: string | null;
  /** Export time. */
  lastUpdate?: string | null;
  /** E911: object, or [] when none. */
  e911?: PortalE911 | unknown[] | null;
}

/** The simulator's portal authentication id (24 characters, as the doc requires). */
export const PORTAL_SIM_AUTH_ID = 'PORTALSIMAUTHID000000001';
/** The simulator's portal authentication key (24 characters). */
export const PORTAL_SIM_AUTH_KEY = 'PORTALSIMAUTHKEY00000001';
/** The PBX the simulator serves (the doc's example pbxId). */
export const PORTAL_SIM_PBX_ID = '1234';
/** The cloud node every answer names (the doc's example). */
const NODE = 'VE-NY-04';

/**
 * The doc's `get/extension` example answer for extId "1000", as the copied page shows it. The copy
 * lost lines: the `e911` key itself (its three indented lines are read as its members), `number`,
 * and the other E911 members; nothing is invented for them. The e-mail is the page's own
 * (obfuscated by the site it was copied from) and is kept as is.
 */
export function docExampleAnswer(): PortalExtensionAnswer {
  return {
    message: 'Extension data exported from cache.',
    firstName: 'Jane',
    lastName: 'Doe',
    email: '[email protected]',
    callerId: '+15169005353',
    lastUpdate: '2020-04-03 11:20:01',
    e911: { address1: '329 S. OYSTER BAY RD', address2: 'STE 329', state: 'NEW YORK' },
    status: true,
    node: NODE,
    executionTime: '0.0531',
  };
}

/** One extension as the simulator keeps it. */
interface SimExtension {
  number: number;
  firstName: string;
  lastName: string;
  email: string;
  callerId: string;
  lastUpdate: string;
  e911: PortalE911 | [];
  registered: boolean;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "YYYY-MM-DD HH:MM:SS", the portal's DATETIME format. */
function portalDateTime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The doc's example record plus `size` generated ones (numbers 1001 up); deterministic. */
function buildPbx(size: number): SimExtension[] {
  const doc = docExampleAnswer();
  const out: SimExtension[] = [
    { number: 1000, firstName: 'Jane', lastName: 'Doe', email: doc.email!, callerId: doc.callerId!, lastUpdate: doc.lastUpdate!, e911: doc.e911 as PortalE911, registered: true },
  ];
  const rand = seededRandom(6006);
  const cities = [['PLAINVIEW', 'NEW YORK', '11803'], ['HOBOKEN', 'NEW JERSEY', '07030'], ['STAMFORD', 'CONNECTICUT', '06901']] as const;
  for (let i = 0; i < size; i++) {
    const number = 1001 + i;
    const { first, last } = fakeName(rand);
    const [city, state, zip] = cities[Math.floor(rand() * cities.length)]!;
    out.push({
      number,
      firstName: first,
      lastName: last,
      email: `${first}.${last}${number}@example.com`.toLowerCase(),
      callerId: `+1516900${pad(Math.floor(rand() * 10_000), 4)}`,
      lastUpdate: portalDateTime(new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 365 * 86_400) * 1000)),
      e911:
        rand() < 0.5
          ? { subscriber: `${first} ${last}`, address1: `${100 + number} MAIN ST`, address2: '', city, state, zip, psapName: `${city} PSAP` }
          : [],
      registered: rand() < 0.7,
    });
  }
  return out;
}

/**
 * Point VoIP portal simulator under /api/v1: `get/extensions` and `get/extension`, each a POST of one
 * JSON object checked for authId/authKey, module and pbxId. The doc publishes no error answers, so
 * these are the simulator's (and the adapter's) reading:
 * - wrong or missing authId/authKey: HTTP 401 `{message: "Invalid authentication", status: false, node, executionTime}`;
 * - unknown PBX, unknown extension, wrong module: HTTP 200 with the same envelope, `status: false`
 *   and no data ("PBX not found.", "Extension not found.", "Invalid module.");
 * - anything but POST: 405; unknown path: 404.
 * The list items carry number, firstName, lastName and status "1"/"0" only.
 */
export async function startPortalSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const size = Math.min(Math.max(opts.size ?? 10, 0), 10_000);
  const extensions = buildPbx(size);
  const byNumber = new Map(extensions.map((x) => [String(x.number), x]));
  const envelope = (message: string, status: boolean): PortalEnvelope => ({ message, status, node: NODE, executionTime: '0.0042' });
  const failure = (httpStatus: number, message: string): SimResponse => ({ status: httpStatus, body: envelope(message, false) });

  const server = await startSimServer({
    port: opts.port,
    basePath: '/api/v1',
    latencyMs: opts.latencyMs,
    handler(req) {
      if (req.method !== 'POST') return failure(405, 'Method not allowed.');
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      if (body['authId'] !== PORTAL_SIM_AUTH_ID || body['authKey'] !== PORTAL_SIM_AUTH_KEY) return failure(401, 'Invalid authentication');
      if (req.path !== '/get/extensions' && req.path !== '/get/extension') return failure(404, 'Unknown endpoint.');
      if (body['module'] !== 'pbx') return failure(200, 'Invalid module.');
      if (String(body['pbxId'] ?? '') !== PORTAL_SIM_PBX_ID) return failure(200, 'PBX not found.');
      if (req.path === '/get/extensions') {
        const result: PortalListItem[] = extensions.map((x) => ({ number: x.number, firstName: x.firstName, lastName: x.lastName, status: x.registered ? '1' : '0' }));
        const answer: PortalListAnswer = { ...envelope('Extensions exported from cache.', true), count: result.length, result };
        return { status: 200, body: answer };
      }
      const x = byNumber.get(String(body['extId'] ?? ''));
      if (!x) return failure(200, 'Extension not found.');
      const answer: PortalExtensionAnswer = {
        ...envelope('Extension data exported from cache.', x.registered),
        number: x.number,
        firstName: x.firstName,
        lastName: x.lastName,
        email: x.email,
        callerId: x.callerId,
        lastUpdate: x.lastUpdate,
        e911: x.e911,
      };
      return { status: 200, body: answer };
    },
  });
  return {
    ...server,
    // The portal knows registered or not: any status but OFFLINE is a registration.
    setStatus(number: string, status: SimStatus) {
      const x = byNumber.get(number);
      if (!x) throw new Error(`no portal extension ${number}`);
      x.registered = status !== 'OFFLINE';
    },
  };
}
