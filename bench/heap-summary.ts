// A V8 heap snapshot, summed by constructor: which kinds of object take the memory. Self
// sizes, not retained sizes (a dominator tree would be the full analysis); enough to tell
// strings from compiled code from a cache that grows with requests.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export function summarizeHeap(file: string, top: number): Array<{ name: string; selfSize: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const sums = new Map<string, { selfSize: number; count: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!] ?? '?';
    // Objects by constructor name; strings, code and arrays by their type.
    const name = type === 'object' || type === 'closure' ? `${heap.strings[heap.nodes[i + nameAt]!]}` : `(${type})`;
    const sum = sums.get(name) ?? { selfSize: 0, count: 0 };
    sum.selfSize += heap.nodes[i + sizeAt]!;
    sum.count += 1;
    sums.set(name, sum);
  }
  return [...sums]
    .map(([name, sum]) => ({ name, ...sum }))
    .sort((a, b) => b.selfSize - a.selfSize)
    .slice(0, top);
}
