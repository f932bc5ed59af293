import type { VendorModule } from '../../core/vendor-module.ts';
import { createPortalAdapter, portalConfigShape, type PortalSourceConfig } from './adapter.ts';
import { PORTAL_SIM_AUTH_ID, PORTAL_SIM_AUTH_KEY, PORTAL_SIM_PBX_ID, startPortalSimulator } from './simulator.ts';

/** Point VoIP hosted PBX, portal API (portal-pbx.txt and the README's Point VoIP facts). */
export const portal: VendorModule<PortalSourceConfig> = {
  vendor: 'portal',
  configShape: portalConfigShape,
  createAdapter: createPortalAdapter,
  startSimulator: startPortalSimulator,
  demoSources: (sim) => [
    { id: 'portal-demo', vendor: 'portal', name: `Point VoIP (PBX ${PORTAL_SIM_PBX_ID})`, baseUrl: sim.url, authId: PORTAL_SIM_AUTH_ID, authKey: PORTAL_SIM_AUTH_KEY, pbxId: PORTAL_SIM_PBX_ID },
  ],
};
