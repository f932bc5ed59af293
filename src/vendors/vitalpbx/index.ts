import type { VendorModule } from '../../core/vendor-module.ts';
import { createVitalAdapter, vitalConfigShape, type VitalSourceConfig } from './adapter.ts';
import { startVitalSimulator, VITAL_SIM_APP_KEY } from './simulator.ts';

/** VitalPBX REST API v2 (vitalpbx.txt). */
export const vitalpbx: VendorModule<VitalSourceConfig> = {
  vendor: 'vitalpbx',
  configShape: vitalConfigShape,
  createAdapter: createVitalAdapter,
  startSimulator: startVitalSimulator,
  demoSources: (sim) => [
    { id: 'vital-hq', vendor: 'vitalpbx', name: 'VitalPBX HQ (tenant 1)', baseUrl: sim.url, appKey: VITAL_SIM_APP_KEY, tenant: '1' },
  ],
};
