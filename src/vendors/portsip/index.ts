import type { VendorModule } from '../../core/vendor-module.ts';
import { createPortsipAdapter, portsipConfigShape, type PortsipSourceConfig } from './adapter.ts';
import { PORTSIP_SIM_PASSWORD, PORTSIP_SIM_USERNAME, startPortsipSimulator } from './simulator.ts';

/** PortSIP PBX REST API, token-in-query generation (portsip.txt). */
export const portsip: VendorModule<PortsipSourceConfig> = {
  vendor: 'portsip',
  configShape: portsipConfigShape,
  createAdapter: createPortsipAdapter,
  startSimulator: startPortsipSimulator,
  demoSources: (sim) => [
    { id: 'portsip-demo', vendor: 'portsip', name: 'PortSIP PBX (demo)', baseUrl: sim.url, username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD },
  ],
};
