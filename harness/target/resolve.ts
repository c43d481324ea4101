/** From the command line (--target, --config) to a Target. */
import { UsageError } from '../cli-errors.ts';
import { loadTargetConfig } from './config.ts';
import { openExternalTarget } from './external.ts';
import type { Target } from './model.ts';
import { startReferenceTarget } from './reference.ts';

export interface ResolveOptions {
  target?: string;
  config?: string;
  /** The reference target only: instances on one store, behind a round-robin balancer. */
  instances?: number;
  /** The reference target only: "memory" or a redis:// URL (default: a private redis-server when instances > 1). */
  store?: string;
}

export async function resolveTarget(options: ResolveOptions): Promise<Target> {
  const config = options.config ? loadTargetConfig(options.config) : undefined;
  const wanted = options.target ?? (config?.issuer ? undefined : 'reference');
  if (wanted === 'reference') return startReferenceTarget({ config, configPath: options.config, instances: options.instances, store: options.store });
  if (options.instances !== undefined || options.store !== undefined) {
    throw new UsageError('--instances and --store are options of the reference target; an external IdP runs as it is deployed');
  }
  if (wanted !== undefined && !/^https?:\/\//i.test(wanted)) {
    throw new UsageError(`--target must be "reference" or an issuer URL (https://...), got "${wanted}"`);
  }
  return openExternalTarget({ issuer: wanted, config, configPath: options.config });
}
