import type { ImageMention } from './imageMention';
// placeholder until the Markdown finder lands
export function findMarkdownMentions(_text: string): ImageMention[] { return []; }
