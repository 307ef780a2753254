import { oneOf, parseArgs, positiveInt, regexOption } from '../args';
import type { Command } from '../command';
import { type CliIO, EXIT, UsageError } from '../io';
import { createDefaultRegistryClient, formatRepository, parseRepository, sortTags } from '../../core/registry/index';

const usage = `Usage: registry-migrator tags REPO [--filter REGEX] [--limit N] [--format text|json] [--insecure-registry HOST]...

Lists the tags of REPO (e.g. ghcr.io/kubeflow/spark-operator/controller), newest version first.
  --filter REGEX            only tags matching REGEX
  --limit N                 at most N tags (after sorting)
  --format text|json        one tag per line (default), or {"repository","tags"}
  --insecure-registry HOST  talk plain HTTP to HOST (loopback registries always are)
Credentials: Docker/Podman config files, credential helpers, GITHUB_TOKEN for ghcr.io.
`;

export const tagsCommand: Command = {
  summary: 'list a repository\'s tags, newest first',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      filter: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one repository');
    const filter = regexOption(options.filter, 'filter');
    const limit = positiveInt(options.limit, 'limit', Number.MAX_SAFE_INTEGER);
    const format = oneOf(options.format, ['text', 'json'] as const, 'format', 'text');
    const repo = parseRepository(positionals[0]);
    if (!repo.ok) throw new UsageError(repo.error.message);
    const { client, close } = createDefaultRegistryClient({
      env: io.env,
      insecureRegistries: (options['insecure-registry'] as string[] | undefined) ?? [],
      githubToken: true,
      onWarning: (m) => io.err(`warning: ${m}\n`),
    });
    try {
      const listed = await client.listTags(repo.value, { signal: io.signal });
      if (!listed.ok) {
        io.err(`registry-migrator tags: ${listed.error.message}\n`);
        return EXIT.findings;
      }
      const tags = sortTags(listed.value.filter((t) => !filter || filter.test(t))).slice(0, limit);
      if (format === 'json') io.out(JSON.stringify({ repository: formatRepository(repo.value), tags }, null, 2) + '\n');
      else io.out(tags.map((t) => t + '\n').join(''));
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};
