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
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { pathNot: '\\.test\\.ts$' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
