import { type ImageMention, makeMention } from './imageMention';
import { type ShellWord, isUnambiguousImage, splitShellCommands } from './shellWords';

/**
 * Image references in a Dockerfile (https://docs.docker.com/reference/dockerfile/):
 * `FROM [--platform=…] image [AS name]`, `COPY --from=image`, `RUN --mount=…,from=image`,
 * `ARG X=image` defaults and the `# syntax=` parser directive. Stage names, `scratch` and
 * stage numbers are not images. Never throws on user text.
 */
export function findDockerfileMentions(text: string): ImageMention[] {
  try {
    return scanDockerfile(text);
  } catch {
    return [];
  }
}

/** One instruction with its continuation lines joined; `words` have source spans. */
interface Instruction {
  keyword: string;
  words: ShellWord[];
}

interface ArgDefault {
  name: string;
  word: ShellWord;
  kind: string;
}

function scanDockerfile(text: string): ImageMention[] {
  const found: ImageMention[] = [];
  const { instructions, syntax } = parseInstructions(text);
  if (syntax) found.push(...(mention(text, syntax, 'dockerfile-syntax', true) ?? []));

  // Stage names are collected first: `COPY --from=build` may name a stage by its alias.
  const stages = new Set<string>();
  const fromVariables = new Set<string>();
  for (const ins of instructions) {
    if (ins.keyword !== 'FROM') continue;
    const args = ins.words.filter((w) => !w.value.startsWith('--'));
    if (args.length >= 3 && args[1].value.toLowerCase() === 'as') stages.add(args[2].value.toLowerCase());
    // `FROM ${BASE}`, `FROM $BASE:tag`: the ARG's default is a whole image name.
    const v = args[0] && /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))(?=$|[:@])/.exec(args[0].value);
    if (v) fromVariables.add(v[1] ?? v[2]);
  }

  const args: ArgDefault[] = [];
  const seenStages = new Set<string>();
  for (const ins of instructions) {
    switch (ins.keyword) {
      case 'FROM': {
        const rest = ins.words.filter((w) => !w.value.startsWith('--'));
        const image = rest[0];
        if (image) {
          const lower = image.value.toLowerCase();
          // `ARG img="scratch"` + `FROM ${img}`: the variable stands for the empty image.
          const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(image.value);
          const scratchArg = variable && args.some((a) => a.name === variable[1] && a.word.value.toLowerCase() === 'scratch');
          if (lower !== 'scratch' && !scratchArg && !seenStages.has(lower)) found.push(...(mention(text, image, 'dockerfile-from', true) ?? []));
        }
        if (rest.length >= 3 && rest[1].value.toLowerCase() === 'as') seenStages.add(rest[2].value.toLowerCase());
        break;
      }
      case 'COPY':
      case 'ADD':
        for (const w of ins.words) {
          if (!w.value.startsWith('--')) break;
          if (w.value.startsWith('--from=')) {
            const from = subWord(w, 7, w.value.length);
            if (from && !isStageRef(from.value, stages)) found.push(...(mention(text, from, 'dockerfile-copy-from', true) ?? []));
          }
        }
        break;
      case 'RUN':
        for (const w of ins.words) {
          if (!w.value.startsWith('--')) break;
          if (!w.value.startsWith('--mount=')) continue;
          // --mount=type=cache,from=image,target=/x: a CSV of key=value pairs.
          let p = 8;
          while (p < w.value.length) {
            let comma = w.value.indexOf(',', p);
            if (comma === -1) comma = w.value.length;
            if (w.value.startsWith('from=', p)) {
              const from = subWord(w, p + 5, comma);
              if (from && !isStageRef(from.value, stages)) found.push(...(mention(text, from, 'dockerfile-mount-from', true) ?? []));
            }
            p = comma + 1;
          }
        }
        break;
      case 'ARG':
      case 'ENV':
        for (const w of ins.words) {
          const eq = /^[A-Za-z_][A-Za-z0-9_.-]*(?==)/.exec(w.value);
          if (!eq) continue;
          const value = subWord(w, eq[0].length + 1, w.value.length);
          if (value && value.value.length > 0) args.push({ name: eq[0], word: value, kind: ins.keyword === 'ARG' ? 'dockerfile-arg' : 'dockerfile-env' });
        }
        break;
      default:
        break;
    }
  }

  for (const a of args) {
    // `ARG img="scratch"`: the empty image, and stage names, are not references.
    const lowerValue = a.word.value.toLowerCase();
    if (lowerValue === 'scratch' || seenStages.has(lowerValue)) continue;
    const used = a.kind === 'dockerfile-arg' && fromVariables.has(a.name);
    const named = /(^|_)(IMAGE|IMG)$/i.test(a.name);
    if (used || named) {
      found.push(...(mention(text, a.word, a.kind, true) ?? []));
    } else {
      const m = mention(text, a.word, a.kind, false);
      if (m && m.every(isUnambiguousImage)) found.push(...m);
    }
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

function isStageRef(value: string, stages: Set<string>): boolean {
  return /^\d+$/.test(value) || stages.has(value.toLowerCase());
}

function mention(text: string, w: ShellWord, kind: string, strict: boolean): ImageMention[] | undefined {
  if (w.segs) {
    // Quoted: `ARG BASE="gcr.io/a/b:1"`. Only a value written in one piece has a span.
    const pieces = w.segs.filter((g) => g.len > 0);
    if (pieces.length !== 1 || pieces[0].len !== w.value.length) return undefined;
    const m = makeMention(text, pieces[0].s, pieces[0].s + pieces[0].len, kind, { strict });
    return m && [m];
  }
  const m = makeMention(text, w.start, w.end, kind, { strict });
  return m && [m];
}

/** value[a, b) of a word as a word of its own (plain words only keep a plain span). */
function subWord(w: ShellWord, a: number, b: number): ShellWord | undefined {
  if (!w.segs) return { start: w.start + a, end: w.start + b, value: w.value.slice(a, b) };
  const segs = w.segs
    .filter((g) => g.v + g.len > a && g.v < b)
    .map((g) => {
      const from = Math.max(a, g.v);
      const to = Math.min(b, g.v + g.len);
      return { v: from - a, s: g.s + (from - g.v), len: to - from };
    });
  if (segs.length === 0) return undefined;
  return { start: segs[0].s, end: segs[segs.length - 1].s + segs[segs.length - 1].len, value: w.value.slice(a, b), segs };
}

/**
 * Splits the file into instructions. A line ending in the escape character continues;
 * comment and empty lines inside a continuation are dropped, as BuildKit does. Heredoc
 * bodies (`RUN <<EOF … EOF`) are skipped. Parser directives are read only at the top.
 */
function parseInstructions(text: string): { instructions: Instruction[]; syntax?: ShellWord } {
  const instructions: Instruction[] = [];
  let syntax: ShellWord | undefined;
  let escape = '\\';
  let directives = true;
  let pieces: { s: number; e: number }[] = [];
  let piecesLength = 0;
  let heredocs: string[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = n;
    let lineEnd = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const lineStart = pos;
    pos = nl + 1;
    if (heredocs.length > 0) {
      const body = text.slice(lineStart, lineEnd);
      if (body === heredocs[0] || body.replace(/^\t+/, '') === heredocs[0]) heredocs.shift();
      continue;
    }
    // Skip leading blanks cheaply, without regex, so a 50 MB line costs one pass.
    let first = lineStart;
    while (first < lineEnd && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    const inContinuation = pieces.length > 0;
    if (first === lineEnd) {
      directives = false;
      continue;
    }
    if (text.charCodeAt(first) === 35 /* # */) {
      if (directives && !inContinuation) {
        const d = /^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(text.slice(first, Math.min(lineEnd, first + 1024)));
        if (d) {
          const key = d[1].toLowerCase();
          if (key === 'escape' && (d[2] === '`' || d[2] === '\\')) escape = d[2];
          if (key === 'syntax') {
            const start = text.indexOf(d[2], first + d[0].indexOf('=') + 1);
            syntax = { start, end: start + d[2].length, value: d[2] };
          }
          continue;
        }
      }
      directives = false;
      continue;
    }
    directives = false;
    let trimmedEnd = lineEnd;
    while (trimmedEnd > first && (text.charCodeAt(trimmedEnd - 1) === 32 || text.charCodeAt(trimmedEnd - 1) === 9)) trimmedEnd--;
    const continued = text.charAt(trimmedEnd - 1) === escape;
    if (continued) lineEnd = trimmedEnd - 1;
    if (pieces.length === 0 && !continued && !mayNameImage(text, first, lineEnd)) continue;
    // An instruction continued for megabytes is data; keep only enough to see it is too long.
    if (piecesLength <= MAX_INSTRUCTION) pieces.push({ s: first, e: lineEnd });
    piecesLength += lineEnd - first;
    if (continued && pos < n) continue;
    const ins = instruction(text, pieces);
    pieces = [];
    piecesLength = 0;
    if (!ins) continue;
    instructions.push(ins.instruction);
    heredocs = ins.heredocs;
  }
  return { instructions, syntax };
}

/**
 * A cheap look at a one-line instruction: most lines of a big Dockerfile are RUN, ENV,
 * LABEL… lines that cannot name an image and need no tokenizing.
 */
function mayNameImage(text: string, start: number, end: number): boolean {
  let k = start;
  while (k < end && k - start < 12 && /[A-Za-z]/.test(text.charAt(k))) k++;
  const keyword = text.slice(start, k).toUpperCase();
  if (keyword === 'RUN') {
    const line = text.slice(k, end);
    return line.includes('--mount') || line.includes('<<');
  }
  return WANTED.has(keyword);
}

const WANTED = new Set(['FROM', 'COPY', 'ADD', 'RUN', 'ARG', 'ENV', 'ONBUILD']);

/** Longer instructions are data; nothing in them is parsed. */
const MAX_INSTRUCTION = 65536;

function instruction(text: string, pieces: { s: number; e: number }[]): { instruction: Instruction; heredocs: string[] } | undefined {
  const kw = /^[A-Za-z]+/.exec(text.slice(pieces[0].s, Math.min(pieces[0].e, pieces[0].s + 16)));
  if (!kw) return undefined;
  let keyword = kw[0].toUpperCase();
  const words: ShellWord[] = [];
  let total = 0;
  for (const p of pieces) total += p.e - p.s;
  if (total > MAX_INSTRUCTION) return { instruction: { keyword, words }, heredocs: [] };
  let heredocs: string[] = [];
  // Only these can name an image; RUN only through --mount. The rest is not tokenized.
  const wanted = WANTED.has(keyword);
  for (let k = 0; k < pieces.length; k++) {
    const from = k === 0 ? pieces[0].s + kw[0].length : pieces[k].s;
    const line = text.slice(from, pieces[k].e);
    if (wanted && (keyword !== 'RUN' || line.includes('--mount'))) {
      for (const cmd of splitShellCommands(text, from, pieces[k].e)) words.push(...cmd.words);
    }
    if ((keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && line.includes('<<')) {
      for (const h of line.matchAll(/<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g)) heredocs.push(h[1]);
    }
  }
  // ONBUILD COPY --from=… is a COPY for the images built from this one.
  if (keyword === 'ONBUILD' && words.length > 0 && /^[A-Za-z]+$/.test(words[0].value)) {
    keyword = words.shift()!.value.toUpperCase();
  }
  if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') heredocs = [];
  return { instruction: { keyword, words }, heredocs };
}
