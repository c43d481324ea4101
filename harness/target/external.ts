/** An external IdP: its issuer URL (from --target or the config), discovery, and the config file. */
import { ConfigError } from '../cli-errors.ts';
import { buildTarget } from './build.ts';
import { emptyConfig, type TargetConfig } from './config.ts';
import { discover } from './discovery.ts';
import { defaultTimeouts, type Target } from './model.ts';

export async function openExternalTarget(options: { issuer?: string; config?: TargetConfig; configPath?: string }): Promise<Target> {
  const config = options.config ?? emptyConfig();
  if (options.issuer && config.issuer && options.issuer !== config.issuer) {
    throw new ConfigError(`--target ${options.issuer} and the config's issuer ${config.issuer} differ; give one, or make them identical`);
  }
  const issuer = options.issuer ?? config.issuer;
  if (!issuer) throw new ConfigError(`no issuer: pass --target <issuer URL>, or set "issuer" in ${options.configPath ?? 'the config'}`);
  const discovered = await discover(issuer, { timeoutMs: config.timeouts.discoveryMs ?? defaultTimeouts.discoveryMs, tls: config.tls });
  return buildTarget({ kind: 'external', issuer, discovered, config, configPath: options.configPath });
}
