import type { FinderContext } from './finder';
import { type ImageMention, makeMention, shiftMention } from './imageMention';

/** Quadlet keys that hold one image (podman-systemd.unit(5)): `[Container] Image=`, `[Build] ImageTag=`… */
const IMAGE_KEYS: Record<string, string> = {
  'container.image': 'quadlet-image',
  'image.image': 'quadlet-image',
  'volume.image': 'quadlet-image',
  'build.imagetag': 'quadlet-build-tag',
  'image.imagetag': 'quadlet-image-tag',
};

/**
 * Image references in Podman Quadlet units (`app.container`: `Image=quay.io/org/app:1`) and
 * systemd units, whose `ExecStart=podman run …` lines and `Environment=IMAGE=…` pairs are
 * read as shell. Spans are exact; a line continued with `\` is read with its continuation.
 * https://docs.podman.io/en/latest/markdown/podman-systemd.unit.5.html
 */
export function findUnitMentions(text: string, ctx: FinderContext): ImageMention[] {
  const out: ImageMention[] = [];
  let section = '';
  const re = /[^\n]*(?:\n|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m[0] !== '') {
    const lineStart = m.index;
    let lineEnd = lineStart + m[0].length;
    // Continuations: `ExecStart=/usr/bin/podman run \` + next lines.
    while (/\\\r?\n$/.test(text.slice(Math.max(lineStart, lineEnd - 3), lineEnd))) {
      const next = text.indexOf('\n', lineEnd);
      lineEnd = next === -1 ? text.length : next + 1;
      re.lastIndex = lineEnd;
      if (next === -1) break;
    }
    const line = text.slice(lineStart, lineEnd).replace(/\r?\n$/, '');
    const t = line.trimStart();
    if (t === '' || t[0] === '#' || t[0] === ';') continue;
    const sec = /^\[([A-Za-z0-9_-]+)\]/.exec(t);
    if (sec) {
      section = sec[1].toLowerCase();
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*/.exec(t);
    if (!kv) continue;
    const key = kv[1].toLowerCase();
    const valueStart = lineStart + (line.length - t.length) + kv[0].length;
    const valueEnd = lineStart + line.replace(/[ \t]+$/, '').length;
    if (valueStart >= valueEnd) continue;
    const kind = IMAGE_KEYS[`${section}.${key}`];
    if (kind) {
      let a = valueStart;
      let b = valueEnd;
      if ((text[a] === '"' || text[a] === "'") && text[b - 1] === text[a]) {
        a++;
        b--;
      }
      // `Image=app.image` names another Quadlet unit, not a registry reference.
      if (/\.(image|build)$/.test(text.slice(a, b))) continue;
      const mention = makeMention(text, a, b, kind, { strict: true });
      if (mention) out.push(mention);
    } else if (/^exec(start|startpre|startpost|reload|stop|stoppost|condition)$/.test(key) || key === 'environment') {
      // systemd strips `-@:+!` prefixes before the command; the shell finder reads the rest.
      let a = valueStart;
      while (a < valueEnd && '-@:+!'.includes(text[a])) a++;
      const body = text.slice(a, valueEnd);
      for (const x of ctx.find(body, 'shell')) out.push({ ...shiftMention(x, a), kind: `unit-${x.kind}` });
    }
  }
  return out;
}
