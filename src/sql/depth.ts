/**
 * The depth of a parsed statement's tree, measured without recursion (the tree may be deeper
 * than the stack allows to walk it). AST nodes are plain objects with a `kind`; arrays and other
 * objects inside them (literal values, lists) do not count as levels.
 */
export function treeDepth(root: object): number {
  let max = 0;
  const nodes: object[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (Array.isArray(node)) {
      for (const x of node) {
        if (x !== null && typeof x === 'object') {
          nodes.push(x as object);
          depths.push(depth);
        }
      }
      continue;
    }
    const level = typeof (node as { kind?: unknown }).kind === 'string' ? depth + 1 : depth;
    if (level > max) max = level;
    for (const key in node) {
      const v = (node as Record<string, unknown>)[key];
      if (v !== null && typeof v === 'object') {
        nodes.push(v);
        depths.push(level);
      }
    }
  }
  return max;
}
