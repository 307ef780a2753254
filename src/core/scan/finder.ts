import type { FileFormat } from './fileFormat';
import type { ImageMention } from './imageMention';

/**
 * What a finder is given besides its text: a way to hand an embedded slice (a YAML `run:`
 * block, a heredoc, a Markdown fence) to the finder of another format. The dispatch in
 * findMentions provides it, so no finder imports another and the table stays the only
 * place that knows them all.
 */
export interface FinderContext {
  /** Mentions in `text` read as `format`, spans relative to `text`. */
  find(text: string, format: FileFormat): ImageMention[];
}

/** One format's finder: every image reference in `text`, in any order. Never throws. */
export type Finder = (text: string, ctx: FinderContext) => ImageMention[];
