import * as vscode from 'vscode';
import type { Finding, ImageMention, Span } from '../../core/analyze';
import { normalizedName } from '../../core/reference/imageReference';
import { parseRepository, type Repository } from '../../core/registry/index';
import { type Verification, type VerificationStore, verificationTarget } from '../../core/verify/index';
import { ANALYZABLE_SELECTOR, isAnalyzableUri } from '../analyzableDocument';
import { Disposable } from '../disposable';
import { verificationOf } from '../verificationOf';
import { type FindingsStore, formatOf } from '../findingsStore';
import { browserName, browserUrl } from '../registryWebLinks';

export const SHOW_IN_TAG_EXPLORER = 'registryMigrator.showInTagExplorer';
export const VERIFY_REFERENCES = 'registryMigrator.verifyReferences';
export const COPY_MISSING = 'registryMigrator.tagExplorer.copyMissing';


/**
 * A hover on every image reference, deprecated or not, the way Docker DX and the Kubernetes
 * extension show what an image is: its normalized name and tag or digest; for a moved image,
 * old → new with the rule, its source and since when; what the Tag Explorer last found about
 * the tag at the new home; links to the registry's web page and the Tag Explorer. Built from
 * the document's last analysis and the session's results only: a hover makes no network call.
 */
export class ImageHover extends Disposable implements vscode.HoverProvider {
  constructor(private readonly store: FindingsStore, private readonly verifications: VerificationStore) {
    super();
    this._register(vscode.languages.registerHoverProvider(ANALYZABLE_SELECTOR, this));
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    try {
      if (!isAnalyzableUri(doc.uri) || !formatOf(doc.uri, doc.languageId)) return undefined;
      const record = this.store.current(doc);
      if (!record) return undefined;
      const offset = doc.offsetAt(pos);
      const within = (s: Span) => s.start <= offset && offset <= s.end;
      const mention = record.mentions.find((m) => spansOf(m).some(within));
      if (!mention) return undefined;
      const finding = record.findings.find((f) => f.mention === mention);
      const span = spansOf(mention).find(within)!;
      const md = hoverMarkdown(mention, finding, finding && verificationOf(this.verifications, finding));
      return new vscode.Hover(md, new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)));
    } catch {
      // A hover must never surface an error from us.
      return undefined;
    }
  }
}

/** Where the hover answers: the reference, or each field of a split one (tag and digest too). */
function spansOf(m: ImageMention): Span[] {
  return m.parts?.length ? m.parts.map((p) => p.span) : [m.span];
}

/** The hover's Markdown for one mention (exported for the tests' expectations, and reuse). */
export function hoverMarkdown(m: ImageMention, f: Finding | undefined, verification: Verification | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_IN_TAG_EXPLORER, VERIFY_REFERENCES, COPY_MISSING] };
  const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
  if (m.skipped || !m.ref) {
    md.appendMarkdown(`**Image reference** ${code(m.text)}\n\n${m.skipped ?? 'not a literal reference'}: not checked.`);
    return md;
  }
  const ref = m.ref;
  const name = normalizedName(ref);
  md.appendMarkdown(`$(package) **${name}**`);
  if (ref.tag) md.appendMarkdown(` · tag ${code(ref.tag)}`);
  if (ref.digest) md.appendMarkdown(` · digest ${code(ref.digest)}`);
  if (!ref.tag && !ref.digest) md.appendMarkdown(m.text.includes('${') || m.text.includes('{{') ? ' · templated tag' : ` · no tag (pulls ${code('latest')})`);
  md.appendMarkdown('\n\n');
  const links: string[] = [];
  const repo = repositoryOf(name);
  if (f) {
    const rule = f.rule;
    const source = /^https?:\/\//i.test(rule.source) ? ` ([source](${rule.source}))` : '';
    if (f.newName) {
      md.appendMarkdown(`$(arrow-right) Moved: ${code(f.oldName)} → ${code(f.newName)}\n\n`);
    } else {
      md.appendMarkdown(`$(error) No new home: ${rule.message ?? 'the image was removed'}\n\n`);
    }
    const chain = f.chain.length > 1 ? ` (via ${f.chain.map((r) => code(r.id)).join(' → ')})` : '';
    md.appendMarkdown(`Rule ${code(rule.id)}${source}: ${rule.reason}${rule.since ? `, since ${rule.since}` : ''}${chain}.\n\n`);
    if (f.newName) md.appendMarkdown(verificationLine(f, verification));
    if (verification?.state === 'missing-at-new') {
      // The Tag Explorer's copy of the pair: its confirmation lists the tags it would copy.
      links.push(`[$(cloud-upload) Copy to the new location…](command:${COPY_MISSING}?${encodeURIComponent(JSON.stringify([{ roots: [`${f.oldName}→${f.newName}`] }]))} "Copy the missing tags of ${f.oldName} to ${f.newName}")`);
    }
    const newRepo = f.newName ? repositoryOf(f.newName) : undefined;
    const newUrl = newRepo && browserUrl(newRepo, ref.tag);
    if (newRepo && newUrl) links.push(`[$(link-external) New on ${browserName(newRepo)}](${newUrl})`);
    const oldUrl = repo && browserUrl(repo, ref.tag);
    if (repo && oldUrl) links.push(`[$(link-external) Old on ${browserName(repo)}](${oldUrl})`);
    if (f.newName) links.push(commandLink('$(list-tree) Show in Tag Explorer', [f.oldName, f.newName, ref.tag ?? ''], `Compare the tags of ${f.oldName} and ${f.newName}`));
  } else {
    md.appendMarkdown('$(check) No migration rule applies: this image has not moved.\n\n');
    const url = repo && browserUrl(repo, ref.tag);
    if (repo && url) links.push(`[$(link-external) Open on ${browserName(repo)}](${url})`);
    links.push(commandLink('$(list-tree) Show in Tag Explorer', [name, '', ref.tag ?? '', true], `List the tags of ${name} (pins it in the Tag Explorer)`));
  }
  md.appendMarkdown(links.join(' · '));
  return md;
}

export const VERIFICATION_ICON: Record<Verification['state'], string> = {
  identical: 'pass-filled',
  'missing-at-new': 'circle-slash',
  different: 'diff',
  'old-missing': 'question',
  unreachable: 'warning',
};

/**
 * What the session knows about the new reference (registryMigrator.verifyReferences, or the
 * Tag Explorer's Verify Tag / Verify All), in the words of `scan --verify`; or how to find out.
 */
function verificationLine(f: Finding, v: Verification | undefined): string {
  if (v) return `$(${VERIFICATION_ICON[v.state]}) ${v.detail}.\n\n`;
  const t = verificationTarget(f);
  if (!t.ok) return `$(circle-large-outline) Not checkable at the registry: ${t.reason}.\n\n`;
  return `$(circle-large-outline) Not verified yet: [Verify](command:${VERIFY_REFERENCES} "Ask both registries (registryMigrator.verifyReferences)") that it is the same image, or *Verify Tag* in the Tag Explorer.\n\n`;
}

function commandLink(text: string, args: unknown[], title: string): string {
  return `[${text}](command:${SHOW_IN_TAG_EXPLORER}?${encodeURIComponent(JSON.stringify(args))} "${title.replace(/"/g, "'")}")`;
}

function repositoryOf(name: string): Repository | undefined {
  const r = parseRepository(name);
  return r.ok ? r.value : undefined;
}
