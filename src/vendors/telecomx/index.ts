import type { VendorModule } from '../../core/vendor-module.ts';
import { createTelecomxAdapter, telecomxConfigShape, type TelecomxSourceConfig } from './adapter.ts';
import { startTelecomxSimulator, TELECOMX_SIM } from './simulator.ts';

/** Telecom X platform API (telecomx.txt and the README facts). */
export const telecomx: VendorModule<TelecomxSourceConfig> = {
  vendor: 'telecomx',
  configShape: telecomxConfigShape,
  createAdapter: createTelecomxAdapter,
  startSimulator: startTelecomxSimulator,
  demoSources: (sim) => [
    {
      id: 'telecomx-demo',
      vendor: 'telecomx',
      name: 'Telecom X (demo customer)',
      baseUrl: sim.url,
      // A MANAGER login: the demo shows the login, token renewal and the full records.
      username: TELECOMX_SIM.manager.email,
      password: TELECOMX_SIM.manager.password,
      customer: TELECOMX_SIM.customer,
    },
  ],
};
