import type { VendorModule } from '../core/vendor-module.ts';
import { vitalpbx } from './vitalpbx/index.ts';
import { etelecom } from './etelecom/index.ts';
import { portal } from './portal/index.ts';
import { telecomx } from './telecomx/index.ts';
import { portsip } from './portsip/index.ts';

/**
 * The explicit vendor registry: one line per vendor. Adding a vendor means a folder under
 * src/vendors/ and a line here; nothing in the schema or resolvers changes.
 */
export const VENDORS: ReadonlyMap<string, VendorModule> = new Map<string, VendorModule>(
  [
    vitalpbx,
    etelecom,
    portal,
    telecomx,
    portsip,
  ].map((m) => [m.vendor, m as unknown as VendorModule]),
);
