import type { VendorModule } from '../../core/vendor-module.ts';
import { createEtelecomAdapter, etelecomConfigShape, type EtelecomSourceConfig } from './adapter.ts';
import { ETELECOM_SIM_API_KEY, startEtelecomSimulator } from './simulator.ts';

/** eTelecom VPBX REST API (etelecom.txt and the README facts). */
export const etelecom: VendorModule<EtelecomSourceConfig> = {
  vendor: 'etelecom',
  configShape: etelecomConfigShape,
  createAdapter: createEtelecomAdapter,
  startSimulator: startEtelecomSimulator,
  demoSources: (sim) => [
    { id: 'etelecom-demo', vendor: 'etelecom', name: 'eTelecom VPBX (demo shop)', baseUrl: sim.url, apiKey: ETELECOM_SIM_API_KEY },
  ],
};
