// Prints the Markdown tables of bench/RESULTS.md from --json files of `npm run bench`.
// Usage: node scripts/bench-markdown.mjs bench/results/*.json   (after npm run build)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { formatMarkdown } = await import(pathToFileURL(join(root, 'dist', 'bench', 'lib', 'result.js')).href);

for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(r.targets)) {
    console.log(`### ${r.workload}\n\n${r.message ?? ''}\n`);
    continue;
  }
  const o = r.options;
  console.log(`### ${r.workload}${o.psMode === 'disable' ? ' (text protocol)' : ''}\n`);
  console.log('```\n' + r.command + '\n```\n');
  const loop = !['ingest', 'analytics'].includes(r.workload);
  const parts = [
    ...(loop ? [`threads ${o.threads}`, `${o.durationS != null ? `${o.durationS} s` : `${o.ops} ops`} per round after ${o.warmupS} s warm-up`] : []),
    ...(r.workload === 'ingest' ? [`${o.threads} connections`] : []),
    `scale ${o.scale}`,
    `seed ${o.seed}`,
    `ps-mode ${o.psMode}`,
    `${o.rounds} rounds per target${r.targets.length === 2 ? ' (A B A B)' : ''}`,
    `load average at the end ${r.machine.loadAverage.join(' / ')}`,
  ];
  console.log(parts.join(', ') + '\n');
  console.log(formatMarkdown(r.targets));
  for (const t of r.targets) for (const n of t.notes) console.log(`- note (${t.label}): ${n}`);
  for (const n of r.notes ?? []) console.log(`- note: ${n}`);
  if (r.answerCheck && r.answerCheck.status !== 'unchecked') {
    console.log(`- answer check: **${r.answerCheck.status}**${r.answerCheck.mismatches.map((m) => `; ${m.query}: ${m.detail}`).join('')}`);
  }
  console.log('');
}
