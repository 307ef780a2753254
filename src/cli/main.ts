// placeholder until the CLI lands
process.stdout.write('registry-migrator: not yet\n');
