import { oneOf, parseArgs, positiveInt, regexOption } from '../args';
import type { Command } from '../command';
import { type CliIO, EXIT, UsageError } from '../io';
import { createDefaultRegistryClient, failureKind, formatRepository, parseRepository, sortTags } from '../../core/registry/index';
import { REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, registryClientOptions } from '../registryOptions';

const usage = `Usage: registry-migrator tags REPO [--filter REGEX] [--limit N] [--format text|json] [--timeout SECONDS] [--min-speed KIB_PER_S] [--insecure-registry HOST]...

Lists the tags of REPO (e.g. ghcr.io/kubeflow/spark-operator/controller), newest version first.
  --filter REGEX            only tags matching REGEX
  --limit N                 at most N tags (after sorting)
  --format text|json        one tag per line (default), or {"repository","tags"}
${REGISTRY_OPTIONS_HELP}
Exit codes: 0 listed; 2 usage error; 3 could not list (auth, network, rate limit, not found).
Credentials: Docker/Podman config files, credential helpers, GH_TOKEN/GITHUB_TOKEN and
\`gh auth token\` for ghcr.io.
`;

export const tagsCommand: Command = {
  summary: 'list a repository\'s tags, newest first',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { positionals, options } = parseArgs(argv, {
      filter: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
      ...REGISTRY_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one repository');
    const filter = regexOption(options.filter, 'filter');
    const limit = positiveInt(options.limit, 'limit', Number.MAX_SAFE_INTEGER);
    const format = oneOf(options.format, ['text', 'json'] as const, 'format', 'text');
    const repo = parseRepository(positionals[0]);
    if (!repo.ok) throw new UsageError(repo.error.message);
    const { client, close } = createDefaultRegistryClient({ ...registryClientOptions(options, io), githubToken: true });
    try {
      const listed = await client.listTags(repo.value, { signal: io.signal });
      if (!listed.ok) {
        io.err(`registry-migrator tags: could not list (${failureKind(listed.error.code)}): ${listed.error.message}\n`);
        return EXIT.unchecked;
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
