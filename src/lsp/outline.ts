import { SymbolKind, type DocumentSymbol } from "vscode-languageserver/node";
import type * as A from "../syntax/ast.js";
import { rangeOf } from "./convert.js";

/** The outline of one file as written: the mission, its milestones and their features, its contracts and their assertions. */

const KIND = {
  module: SymbolKind.Module,
  namespace: SymbolKind.Namespace,
  class: SymbolKind.Class,
  method: SymbolKind.Method,
  field: SymbolKind.Field,
  constant: SymbolKind.Constant,
  event: SymbolKind.Event,
} as const;

function symbol(
  name: string,
  kind: SymbolKind,
  decl: { span: A.Span },
  at: A.Span,
  detail?: string,
  children?: DocumentSymbol[],
): DocumentSymbol {
  return {
    name,
    kind,
    range: rangeOf(decl.span),
    selectionRange: rangeOf(at),
    ...(detail ? { detail } : {}),
    ...(children ? { children } : {}),
  };
}

const title = (l: A.Literal | undefined): string | undefined => (l ? String(l.value) : undefined);

export function outlineOf(decls: readonly A.Declaration[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const d of decls) {
    switch (d.kind) {
      case "mission":
        out.push(symbol(d.name.text, KIND.module, d, d.name.span, title(d.title), outlineOf(d.body)));
        break;
      case "milestone":
        out.push(
          symbol(
            d.name.text,
            KIND.namespace,
            d,
            d.name.span,
            title(d.title),
            d.features.map((f) => symbol(f.name.text, KIND.class, f, f.name.span, title(f.title))),
          ),
        );
        break;
      case "contract":
        out.push(
          symbol(
            "contract",
            KIND.namespace,
            d,
            d.span,
            `${d.asserts.length} assertion${d.asserts.length === 1 ? "" : "s"}`,
            d.asserts.map((a) => symbol(a.id.text, KIND.event, a, a.id.span, title(a.text))),
          ),
        );
        break;
      case "model":
        out.push(symbol(d.name.text, KIND.constant, d, d.name.span, `${d.provider.text} ${d.id.raw}`));
        break;
      case "procedure":
        out.push(symbol(d.name.text, KIND.method, d, d.name.span, d.command.raw));
        break;
      case "skill":
        out.push(symbol(d.name.text, KIND.field, d, d.name.span, d.path.raw));
        break;
      default:
        break;
    }
  }
  return out;
}
