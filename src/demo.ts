import type { SimulatorHandle, SimulatorOptions, VendorModule } from './core/vendor-module.ts';

/** The running simulators of the demo. */
export interface Demo {
  /** Raw configuration pointing at them (validated like any file). */
  rawConfig: { server: { port: number; host: string }; sources: Record<string, unknown>[] };
  /** The simulators by vendor. */
  simulators: Map<string, SimulatorHandle>;
  /** Stops them. */
  stop(): Promise<void>;
}

/**
 * Starts every registered vendor's simulator on loopback, seeded with its doc's examples plus
 * generated extensions, and returns a configuration that serves them: the demo a new user sees.
 */
export async function startDemo(vendors: ReadonlyMap<string, VendorModule>, opts: SimulatorOptions & { gatewayPort?: number } = {}): Promise<Demo> {
  const simulators = new Map<string, SimulatorHandle>();
  const sources: Record<string, unknown>[] = [];
  for (const mod of vendors.values()) {
    const sim = await mod.startSimulator({ size: opts.size ?? 50, latencyMs: opts.latencyMs ?? 0 });
    simulators.set(mod.vendor, sim);
    sources.push(...mod.demoSources(sim));
  }
  return {
    rawConfig: { server: { port: opts.gatewayPort ?? 4000, host: '127.0.0.1' }, sources },
    simulators,
    stop: async () => {
      await Promise.all([...simulators.values()].map((s) => s.close()));
    },
  };
}
