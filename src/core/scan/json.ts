import type { ImageMention } from './imageMention';
// placeholder until the JSON finder lands
export function findJsonMentions(_text: string): ImageMention[] { return []; }
