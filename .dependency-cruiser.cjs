// The layering rules of DESIGN.md: arrows go one way.
const allow = {
  common: [],
  sql: ['common'],
  planner: ['sql', 'common', 'cluster'],
  exec: ['storage', 'common'],
  storage: ['common'],
  net: ['common'],
  cluster: ['net', 'storage', 'common'],
  replication: ['storage', 'net', 'cluster', 'common'],
  leaf: ['exec', 'storage', 'net', 'cluster', 'replication', 'common', 'planner'],
  aggregator: ['sql', 'planner', 'exec', 'net', 'cluster', 'common'],
};
const layers = Object.keys(allow);
module.exports = {
  forbidden: [
    ...layers.map((from) => ({
      name: `layering-${from}`,
      comment: `src/${from} may import only: ${allow[from].join(', ') || 'nothing of ours'}`,
      severity: 'error',
      from: { path: `^src/${from}/` },
      to: {
        path: `^src/(${layers.filter((l) => l !== from && !allow[from].includes(l)).join('|')}|cli)/`,
      },
    })),
    {
      // Runtime cycles inside a layer (exec's instantiate ↔ eval for subqueries, the session ↔
      // its statement runners) are known and listed in the notes; type-only cycles are fine.
      name: 'no-circular',
      severity: 'warn',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
