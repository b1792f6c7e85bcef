import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "../syntax/ast.js";
import type { BoundFeature, BoundMission } from "./model.js";
import { suggestion } from "./suggest.js";

interface Edge {
  from: BoundFeature;
  to: BoundFeature;
  ref: A.Name;
}

/**
 * `needs` must name earlier features. A reference that closes a cycle (found by a depth-first walk
 * in execution order) is M0203, once per cycle; a reference to a later feature that is in no cycle
 * with its feature is M0204. Iterative, so a chain of ten thousand features cannot overflow the stack.
 */
export function checkNeeds(m: BoundMission, out: Diagnostic[]): void {
  const edges: Edge[][] = m.order.map(() => []);
  for (const f of m.order) {
    for (const ref of f.decl.needs) {
      const to = m.features.get(ref.text);
      if (to) edges[f.index].push({ from: f, to, ref });
      else if (!ref.reserved && !m.shadowed.some((f) => f.name.text === ref.text)) {
        out.push(
          diagnostic("M0102", ref.span, `unknown feature \`${ref.text}\``, { help: suggestion(ref.text, m.features.keys(), "feature") }),
        );
      }
    }
  }
  const component = components(m.order.length, edges);
  for (const e of backEdges(m.order.length, edges)) {
    out.push(
      diagnostic("M0203", e.ref.span, `\`needs ${e.to.decl.name.text}\` closes a cycle: ${cycleText(e, edges, m.order)}`, {
        help: "features run in order; a feature can need only features declared before it",
      }),
    );
  }
  for (const list of edges) {
    for (const e of list) {
      if (e.to.index > e.from.index && component[e.to.index] !== component[e.from.index]) {
        out.push(
          diagnostic("M0204", e.ref.span, `\`${e.from.decl.name.text}\` needs \`${e.to.decl.name.text}\`, which runs later`, {
            labels: [{ span: e.to.decl.name.span, message: "declared here, after the feature that needs it" }],
            help: `move \`${e.to.decl.name.text}\` before \`${e.from.decl.name.text}\``,
          }),
        );
      }
    }
  }
}

/** The cycle as names, from the needed feature round to it again, for the message. */
function cycleText(e: Edge, edges: Edge[][], order: BoundFeature[]): string {
  const prev = new Map<number, number>([[e.to.index, -1]]);
  const queue = [e.to.index];
  while (queue.length && !prev.has(e.from.index)) {
    const n = queue.shift()!;
    for (const x of edges[n])
      if (!prev.has(x.to.index)) {
        prev.set(x.to.index, n);
        queue.push(x.to.index);
      }
  }
  const names: string[] = [e.to.decl.name.text];
  for (let n = e.from.index; n !== -1; n = prev.get(n) ?? -1) names.unshift(order[n].decl.name.text);
  return names.join(" → ");
}

function backEdges(n: number, edges: Edge[][]): Edge[] {
  const state = new Uint8Array(n); // 0 new, 1 on the path, 2 done
  const found: Edge[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = edges[top[0]];
      if (top[1] < list.length) {
        const e = list[top[1]++];
        const t = e.to.index;
        if (state[t] === 1) found.push(e);
        else if (state[t] === 0) {
          state[t] = 1;
          stack.push([t, 0]);
        }
      } else {
        state[top[0]] = 2;
        stack.pop();
      }
    }
  }
  return found;
}

/** Strongly connected components (Tarjan, iterative): two features in one component are in a cycle. */
function components(n: number, edges: Edge[][]): Int32Array {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const sccStack: number[] = [];
  let counter = 0;
  let compCount = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    sccStack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const top = work[work.length - 1];
      const v = top[0];
      const list = edges[v];
      if (top[1] < list.length) {
        const w = list[top[1]++].to.index;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          sccStack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = sccStack.pop()!;
          onStack[w] = 0;
          comp[w] = compCount;
        } while (w !== v);
        compCount++;
      }
    }
  }
  return comp;
}
