/**
 * The one logger: a LogOutputChannel named "MCP Secure". `error` also reveals the channel.
 * Callers pass messages that never contain a secret's value (the core only hands out
 * redacted text).
 */
import * as vscode from 'vscode';

export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('MCP Secure', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }
  debug(message: string): void {
    this.channel.debug(message);
  }
  warn(message: string): void {
    this.channel.warn(message);
  }
  error(message: string, error?: unknown): void {
    this.channel.error(error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`);
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
