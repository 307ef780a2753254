import * as vscode from 'vscode';
import type { TagParity } from '../core/registry/index';
import { Disposable } from './disposable';

/**
 * What is known, this session, about whether a tag is the same image at its old and new
 * home: one store, written by the Tag Explorer (Verify Tag, Verify All, a copy), read by the
 * hover. Keyed by normalized repository names (`k8s.gcr.io/pause`), as findings name them.
 * Reading it never makes a network call.
 */
export class ParityResults extends Disposable {
  private readonly results = new Map<string, TagParity>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  static key(oldName: string, newName: string, tag: string): string {
    return `${oldName}→${newName}:${tag}`;
  }

  get(oldName: string, newName: string, tag: string): TagParity | undefined {
    return this.results.get(ParityResults.key(oldName, newName, tag));
  }

  set(oldName: string, newName: string, parity: TagParity): void {
    // An aborted check says nothing about the tag: keep what was known.
    if (parity.status === 'error' && parity.cause?.code === 'aborted') return;
    this.results.set(ParityResults.key(oldName, newName, parity.tag), parity);
    this.changed.fire();
  }
}
