/** From the command line (--target, --config) to a Target. */
import { UsageError } from '../cli-errors.ts';
import { loadTargetConfig } from './config.ts';
import { openExternalTarget } from './external.ts';
import type { Target } from './model.ts';
import { startReferenceTarget } from './reference.ts';

export async function resolveTarget(options: { target?: string; config?: string }): Promise<Target> {
  const config = options.config ? loadTargetConfig(options.config) : undefined;
  const wanted = options.target ?? (config?.issuer ? undefined : 'reference');
  if (wanted === 'reference') return startReferenceTarget({ config, configPath: options.config });
  if (wanted !== undefined && !/^https?:\/\//i.test(wanted)) {
    throw new UsageError(`--target must be "reference" or an issuer URL (https://...), got "${wanted}"`);
  }
  return openExternalTarget({ issuer: wanted, config, configPath: options.config });
}
