import type { ImageMention } from './imageMention';
import { type FileFormat, detectFileFormat } from './fileFormat';
import { findDockerfileMentions } from './dockerfile';
import { findShellMentions } from './shell';
import { findMarkdownMentions } from './markdown';
import { findYamlMentions } from './yaml';
import { findJsonMentions } from './json';

/**
 * Every image reference in one file's text, sorted by offset. `filePath` only chooses the
 * finder (see detectFileFormat); `format` overrides it. Never throws on user text.
 */
export function findMentions(text: string, filePath: string, format?: FileFormat): ImageMention[] {
  const f = format ?? detectFileFormat(filePath);
  if (!f) return [];
  let found: ImageMention[];
  switch (f) {
    case 'dockerfile':
      found = findDockerfileMentions(text);
      break;
    case 'shell':
      found = findShellMentions(text, { make: false });
      break;
    case 'makefile':
      found = findShellMentions(text, { make: true });
      break;
    case 'markdown':
      found = findMarkdownMentions(text);
      break;
    case 'json':
      found = findJsonMentions(text);
      break;
    default:
      found = findYamlMentions(text, f);
  }
  return found.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}
