/**
 * The "Keychain" part of the view and its commands: the entries this product stored (names
 * only), where configs reference each, and reveal / rotate / delete / restore-plaintext.
 * Values are read only when the user asks to reveal or restore, after a confirmation.
 */
import * as vscode from 'vscode';
import { Keychain, KeychainError, loadKeytar, type KeychainEntry } from '../core/keychain/keychain';
import { findKeyringReferences, type KeyringReferenceSite } from '../core/keychain/references';
import type { DiscoveryService } from './discoveryService';
import type { Log } from './log';

export interface KeychainItem {
  entry: KeychainEntry;
  references: KeyringReferenceSite[];
}

export class KeychainService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private keychain: Keychain | undefined;
  private items: KeychainItem[] = [];
  /** Why the keychain could not be listed, shown in the view instead of entries. */
  private failure: KeychainError | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly log: Log,
  ) {
    this.subscription = discovery.onDidChange(() => void this.refresh());
  }

  get state(): { items: readonly KeychainItem[]; failure?: KeychainError } {
    return this.failure ? { items: this.items, failure: this.failure } : { items: this.items };
  }

  /** keytar is loaded on first use, so a missing native module never breaks activation. */
  open(): Keychain {
    this.keychain ??= new Keychain(loadKeytar());
    return this.keychain;
  }

  async refresh(): Promise<void> {
    const snapshot = this.discovery.snapshot;
    const configs = snapshot ? [...snapshot.folders.flatMap((f) => f.configs), ...snapshot.userConfigs] : [];
    const references = findKeyringReferences(configs);
    try {
      const keychain = this.open();
      const entries = await keychain.list();
      // Entries of other services that configs reference are shown too.
      const services = new Set(references.map((r) => r.service).filter((s) => s !== keychain.service));
      for (const service of services) entries.push(...(await keychain.list(service)));
      this.items = entries.map((entry) => ({
        entry,
        references: references.filter((r) => r.service === entry.service && r.account === entry.account),
      }));
      this.failure = undefined;
    } catch (error) {
      this.failure = error instanceof KeychainError ? error : new KeychainError('unknown', String(error), '');
      this.items = [];
      this.log.warn(`Keychain: ${this.failure.message}`);
    }
    this.changed.fire();
  }

  async reveal(item: KeychainItem): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Reveal the value of ${item.entry.account}?`,
      { modal: true, detail: 'The secret will be shown on screen or copied to the clipboard. Make sure nobody is watching your screen or recording it.' },
      'Show',
      'Copy to Clipboard',
    );
    if (!choice) return;
    const value = await this.open().get(item.entry.account, item.entry.service);
    if (value === null) {
      void vscode.window.showErrorMessage(`MCP Secure: ${item.entry.account} is no longer in the keychain.`);
      return;
    }
    this.log.info(`Revealed keychain entry ${item.entry.service}/${item.entry.account} (${choice === 'Show' ? 'shown' : 'copied'})`);
    if (choice === 'Copy to Clipboard') {
      await vscode.env.clipboard.writeText(value);
      void vscode.window.showInformationMessage(`MCP Secure: the value of ${item.entry.account} is on the clipboard.`);
    } else {
      await vscode.window.showInformationMessage(`${item.entry.account}`, { modal: true, detail: value });
    }
  }

  async rotate(item: KeychainItem): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: `Rotate ${item.entry.account}`,
      prompt: 'Paste the new value. It goes straight to the OS keychain; configs keep their reference.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length === 0 ? 'The value cannot be empty' : undefined),
    });
    if (value === undefined) return;
    await this.open().setVerified(item.entry.account, value, item.entry.service);
    this.log.info(`Rotated keychain entry ${item.entry.service}/${item.entry.account}`);
    void vscode.window.showInformationMessage(
      `MCP Secure: ${item.entry.account} now holds the new value. Restart the MCP servers that use it (${describeReferences(item)}).`,
    );
  }

  async delete(item: KeychainItem): Promise<void> {
    const referenced = item.references.length > 0;
    const choice = await vscode.window.showWarningMessage(
      `Delete ${item.entry.account} from the OS keychain?`,
      {
        modal: true,
        detail: referenced
          ? `It is still referenced by ${describeReferences(item)}. Those servers will fail to start until you restore or re-add the value.`
          : 'No discovered config references it.',
      },
      referenced ? 'Delete Anyway' : 'Delete',
    );
    if (!choice) return;
    await this.open().delete(item.entry.account, item.entry.service);
    this.log.info(`Deleted keychain entry ${item.entry.service}/${item.entry.account}`);
    await this.refresh();
  }

  /**
   * The reverse migration for users who want out: every reference to the entry becomes the
   * plaintext value again (as an editor edit, so Undo works), then the entry may be deleted.
   */
  async restorePlaintext(item: KeychainItem): Promise<void> {
    if (item.references.length === 0) {
      void vscode.window.showInformationMessage(`MCP Secure: no discovered config references ${item.entry.account}.`);
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      `Put the plaintext value of ${item.entry.account} back into ${describeReferences(item)}?`,
      { modal: true, detail: 'The secret will be written into the config file(s) in plain text again.' },
      'Restore Plaintext',
    );
    if (!choice) return;
    const value = await this.open().get(item.entry.account, item.entry.service);
    if (value === null) throw new Error(`${item.entry.account} is no longer in the keychain; nothing to restore.`);
    const edit = new vscode.WorkspaceEdit();
    for (const site of item.references) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(site.file));
      const start = document.positionAt(site.range.start.offset);
      const end = document.positionAt(site.range.end.offset);
      const literal = document.getText(new vscode.Range(start, end));
      const reference = `keyring://${item.entry.service}/${item.entry.account}`;
      // JSON string syntax is also valid in TOML basic strings and YAML double-quoted scalars.
      const quoted = JSON.stringify(value).slice(1, -1);
      const replaced = literal.includes(reference) ? literal.replace(reference, quoted) : literal;
      edit.replace(document.uri, new vscode.Range(start, end), replaced);
    }
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('The editor refused the edit; nothing was changed.');
    for (const file of new Set(item.references.map((r) => r.file))) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
      await document?.save();
    }
    this.log.info(`Restored plaintext for ${item.entry.service}/${item.entry.account} in ${item.references.length} place(s)`);
    const remove = await vscode.window.showInformationMessage(
      `MCP Secure: restored ${item.entry.account}. Delete it from the keychain too?`,
      'Delete from Keychain',
      'Keep',
    );
    if (remove === 'Delete from Keychain') await this.open().delete(item.entry.account, item.entry.service);
    await this.discovery.refresh();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function describeReferences(item: KeychainItem): string {
  if (item.references.length === 0) return 'no discovered config';
  const servers = [...new Set(item.references.map((r) => r.server))];
  return `${servers.join(', ')} (${item.references.length} reference${item.references.length === 1 ? '' : 's'})`;
}
