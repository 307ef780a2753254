import * as vscode from 'vscode';
import type { Severity, Span } from '../core/analyze';
import { LineIndex } from '../core/text/span';

/** Turns core offsets into ranges, for an open document or for text read from disk. */
export interface Positions {
  range(span: Span): vscode.Range;
}

export function documentPositions(doc: vscode.TextDocument): Positions {
  return { range: (s) => new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end)) };
}

export function textPositions(text: string): Positions {
  const index = new LineIndex(text);
  const pos = (o: number) => {
    const p = index.positionAt(o);
    return new vscode.Position(p.line, p.character);
  };
  return { range: (s) => new vscode.Range(pos(s.start), pos(s.end)) };
}

export function toDiagnosticSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

/** A rule's source as a link target; undefined for a user rule without a usable URL. */
export function sourceUri(source: string): vscode.Uri | undefined {
  if (!/^https?:\/\//i.test(source)) return undefined;
  try {
    return vscode.Uri.parse(source, true);
  } catch {
    return undefined;
  }
}
