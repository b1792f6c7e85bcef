import type { ModelResponse, ToolResult } from "../agents/provider.js";
import type { Blobs } from "../runner/blobs.js";
import type { RunRecord } from "../runner/state.js";

/**
 * What a validator did, rebuilt from the journal: each tool call with its input and an excerpt of
 * what came back (request and response, command output, the path of a screenshot). Attached to the
 * verdicts of the run, so a verdict's evidence can be checked against what really happened.
 */

export interface Exchange {
  tool: string;
  input: string;
  output: string;
  screenshot?: string;
}

const TERMINAL = new Set(["submit_verdicts", "submit_handoff", "decide", "answer"]);

export function exchangesOf(run: RunRecord | undefined, blobs: Pick<Blobs, "json">, limit = 40): Exchange[] {
  if (!run) return [];
  const out: Exchange[] = [];
  for (const turn of [...run.responses.keys()].sort((a, b) => a - b)) {
    const response = blobs.json<ModelResponse>(run.responses.get(turn)!.blob);
    response.tool_calls.forEach((call, index) => {
      if (TERMINAL.has(call.name) || out.length >= limit) return;
      const r = run.results.get(`${turn}/${index}`);
      const output = r ? blobs.json<ToolResult>(r.blob).content : "(no result was journaled)";
      const shot = /^screenshot saved: (\S+)$/m.exec(output)?.[1];
      out.push({
        tool: call.name,
        input: JSON.stringify(call.input).slice(0, 400),
        output: output.length > 800 ? `${output.slice(0, 800)}…` : output,
        ...(shot ? { screenshot: shot } : {}),
      });
    });
  }
  return out;
}
