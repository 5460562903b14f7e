/** Typed access to the `mcpSecure.*` settings. */
import * as vscode from 'vscode';

export interface DiscoverySettings {
  includeUserConfigs: boolean;
  exclude: string[];
  maxFileBytes: number;
}

export function discoverySettings(scope?: vscode.Uri): DiscoverySettings {
  const config = vscode.workspace.getConfiguration('mcpSecure.discovery', scope);
  return {
    includeUserConfigs: config.get<boolean>('includeUserConfigs', true),
    exclude: config.get<string[]>('exclude', []),
    maxFileBytes: Math.max(16, config.get<number>('maxFileSizeKB', 1024)) * 1024,
  };
}
