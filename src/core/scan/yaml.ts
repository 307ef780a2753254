import type { ImageMention } from './imageMention';
import type { FileFormat } from './fileFormat';
// placeholder until the YAML finders land
export function findYamlMentions(_text: string, _format: FileFormat): ImageMention[] { return []; }
