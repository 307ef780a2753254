import type { ImageMention } from './imageMention';
// placeholder until the Dockerfile finder lands
export function findDockerfileMentions(_text: string): ImageMention[] { return []; }
