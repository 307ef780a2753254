import { type ImageMention, makeMention } from './imageMention';

/**
 * Image references in JSON and JSONC (devcontainer.json, JSON manifests, task files):
 * string values of keys ending in `image` (`"image"`, `"dockerImage"`, `"IMAGE"`), and the
 * string items of arrays under keys ending in `images`. A scan over the text rather than
 * JSON.parse, because offsets are needed and JSONC has comments and trailing commas.
 * Strings with escapes are left out: their source is not their value.
 */
export function findJsonMentions(text: string): ImageMention[] {
  const out: ImageMention[] = [];
  if (text.includes('"features"')) devcontainerFeatures(text, out);
  if (!text.includes('image') && !text.includes('Image') && !text.includes('IMAGE')) return out;
  // Find the end of the key first and look back for its opening quote: a lookbehind-free
  // scan that stays linear on a 50 MB single line.
  const key = /image(s?)"\s*:\s*/gi;
  const labels = labelRanges(text);
  let ri = 0;
  let m: RegExpExecArray | null;
  while ((m = key.exec(text)) !== null) {
    if (!isKey(text, m.index)) continue;
    while (ri < labels.length && labels[ri][1] < m.index) ri++;
    if (ri < labels.length && labels[ri][0] < m.index) continue;
    let p = key.lastIndex;
    const plural = m[1] !== '';
    const kind = plural ? 'json-images' : 'json-image';
    if (!plural && text[p] === '"') {
      // Only `"image"` itself is known to hold an image; `"dockerImage"` most likely does,
      // `"@xterm/addon-image": "^0.9.0"` and `"command.copyImage": "Copy"` do not, so other
      // keys report only values that parse as references.
      const name = keyName(text, m.index);
      if (/[/@.\s]/.test(name)) continue;
      push(out, text, p, kind, name.toLowerCase() === 'image');
    } else if (plural && text[p] === '[') {
      // Items up to the closing bracket; nested arrays or objects end the walk.
      const limit = Math.min(text.length, p + 64 * 1024);
      for (p++; p < limit; p++) {
        const c = text[p];
        if (c === '"') {
          const end = stringEnd(text, p);
          if (end === -1) break;
          push(out, text, p, kind, false);
          p = end;
        } else if (c === ']' || c === '[' || c === '{') {
          break;
        }
      }
    }
  }
  return out;
}

/**
 * devcontainer.json `"features": {"ghcr.io/devcontainers/features/go:1": {…}}`: each key is
 * an OCI artifact reference (https://containers.dev/implementors/features-distribution/);
 * local (`./x`) and tarball URL keys are not. The object is walked at depth 1 only.
 */
function devcontainerFeatures(text: string, out: ImageMention[]): void {
  const re = /"features"\s*:\s*\{/g;
  while (re.exec(text) !== null) {
    const limit = Math.min(text.length, re.lastIndex + 64 * 1024);
    let depth = 1;
    let expectKey = true;
    for (let i = re.lastIndex; i < limit && depth > 0; i++) {
      const c = text[i];
      if (c === '"') {
        const end = stringEnd(text, i);
        if (end === -1) return;
        if (depth === 1 && expectKey) {
          const key = text.slice(i + 1, end);
          if (key.includes('/') && !/^(?:\.{0,2}\/|[a-z]+:\/\/)/.test(key) && !key.includes('\\')) {
            const mention = makeMention(text, i + 1, end, 'devcontainer-feature');
            if (mention?.ref) out.push({ ...mention, artifact: 'devcontainer-feature' });
          }
          expectKey = false;
        }
        i = end;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      else if (c === ',' && depth === 1) expectKey = true;
      else if (c === '/' && text[i + 1] === '/') {
        const nl = text.indexOf('\n', i);
        if (nl === -1) return;
        i = nl;
      }
    }
  }
}

/** True when `image"` at `at` closes a key string opened at most 200 characters back. */
function isKey(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0 && i >= at - 200; i--) {
    const c = text[i];
    if (c === '"') return text[i - 1] !== '\\';
    if (c === '\n' || c === '\\') return false;
  }
  return false;
}

/**
 * Offsets of the `{…}` bodies of `"labels"` / `"annotations"` objects, in order, so values
 * there (`"labels": {"image": "web"}`) are not read as references. Objects are matched
 * forward with strings skipped, each within 64 KB.
 */
function labelRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const re = /(?:labels|annotations)"\s*:\s*\{/gi;
  while (re.exec(text) !== null) {
    const open = re.lastIndex - 1;
    if (ranges.length > 0 && open < ranges[ranges.length - 1][1]) continue;
    const limit = Math.min(text.length, open + 64 * 1024);
    let depth = 0;
    let i = open;
    for (; i < limit; i++) {
      const c = text[i];
      if (c === '"') {
        const e = stringEnd(text, i);
        if (e === -1) break;
        i = e;
      } else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    ranges.push([open, Math.min(i, limit)]);
  }
  return ranges;
}

/** The key whose closing `image"` is at `at`. */
function keyName(text: string, at: number): string {
  const open = text.lastIndexOf('"', at);
  return text.slice(open + 1, at + 'image'.length);
}

/** Offset of the closing quote of the string opening at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '\n') return -1;
  }
  return -1;
}

const NOT_AN_IMAGE = /^(?:\.{0,2}\/|[a-z][a-z0-9+.-]*:\/\/)|\.(?:png|jpe?g|gif|svg|webp|ico|bmp|tiff?)$|(?:^|\/)(?:Docker|Container)file(?:\.[\w.-]+)?$/i;

function push(out: ImageMention[], text: string, open: number, kind: string, strict: boolean): void {
  const end = stringEnd(text, open);
  if (end === -1) return;
  const start = open + 1;
  if (end - start > 1024) return; // not a reference: names are at most 255 characters
  let s = start;
  if (text.startsWith('docker://', start)) s += 'docker://'.length;
  const value = text.slice(s, end);
  if (value.includes('\\') || value.trim() !== value || NOT_AN_IMAGE.test(value)) return;
  const mention = makeMention(text, s, end, kind, { strict });
  if (mention) out.push(mention);
}
