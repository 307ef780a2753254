import { createDefaultRegistryClient } from '../../core/registry/defaultRegistryClient';
import { parseRepository } from '../../core/registry/registryClient';
import { buildNotice } from '../../core/sync/notice';
import { parseArgs, positiveInt, regexOption } from '../args';
import type { Command } from '../command';
import { type CliIO, EXIT, UsageError } from '../io';

const usage = `Usage: registry-migrator notice OLD_REPO NEW_REPO [--since DATE] [--tags REGEX] [--concurrency N] [--insecure-registry HOST]...

Writes a Markdown announcement of a move for users (the seed of a release note or a
pinned issue): what moved and since when, every tag with its digest and platforms and
whether the new home serves the same digest (folded when long), the commands to change
a workspace (registry-migrator fix, a sed line, Helm values, Bitnami's companion
setting when it applies), and the rule for .registry-migrations.yaml.
  --since DATE              when the move happened (default: the built-in rule's date, if any)
  --tags REGEX              only tags matching REGEX
  --concurrency N           tags compared at once (default 16)
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)
Exit codes (as verify): 0 every tag is at the new home with the same digest; 1 some
are not (the notice says which); 3 the tags could not be listed; 2 usage errors.
`;

export const noticeCommand: Command = {
  summary: 'write a Markdown move announcement with the proof (tags, digests, platforms)',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      since: { type: 'string' },
      tags: { type: 'string' },
      concurrency: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
    });
    if (positionals.length !== 2) throw new UsageError('give the old and the new repository');
    const since = options.since === undefined ? undefined : String(options.since).trim();
    if (since !== undefined && !/^\d{4}-\d{2}(-\d{2})?$/.test(since)) throw new UsageError('--since must be a date: YYYY-MM-DD (or YYYY-MM)');
    const [oldRepo, newRepo] = positionals.map(parseRepository);
    if (!oldRepo.ok) throw new UsageError(`OLD_REPO: ${oldRepo.error.message}`);
    if (!newRepo.ok) throw new UsageError(`NEW_REPO: ${newRepo.error.message}`);
    const concurrency = positiveInt(options.concurrency, 'concurrency', 16);
    const { client, close } = createDefaultRegistryClient({ env: io.env, insecureRegistries: (options['insecure-registry'] as string[] | undefined) ?? [], concurrency, githubToken: true });
    try {
      const n = await buildNotice(client, { old: oldRepo.value, new: newRepo.value, since, tags: regexOption(options.tags, 'tags'), concurrency, signal: io.signal });
      io.out(n.markdown);
      if (n.verify.summary.listingError) return 3;
      return n.rows.length > 0 && n.rows.every((r) => r.status === 'identical') ? EXIT.ok : EXIT.findings;
    } finally {
      await close();
    }
  },
};
