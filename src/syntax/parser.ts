import { EOF, EmbeddedActionsParser, type IToken, type TokenType } from "./chevrotain.js";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type * as A from "./ast.js";
import { literalFromToken } from "./literals.js";
import { describeToken, errorMessages } from "./messages.js";
import * as T from "./tokens.js";
import { checkBlockFields, type Marker } from "./blocks.js";
import { LineIndex, SourceSpan } from "./source-span.js";

/**
 * The grammar (grammar/mission.ebnf is its normative form), with embedded actions that build the
 * syntax tree directly: one pass, no concrete tree, which keeps `check` fast on large missions.
 * Statements the grammar does not know in a block are parsed as generic fields, so that an unknown
 * field is one M0206 from `checkBlockFields`, never a syntax error.
 */
/** The word that begins a `permissions` block: an identifier, not a reserved word (specs/language.md). */
const PERMISSIONS = "permissions";

export class MissionParser extends EmbeddedActionsParser {
  file = "";
  lines = new LineIndex("");
  private textLength = 0;
  private swallowedToEnd = false;
  private unclosedReported = false;
  problems: Diagnostic[] = [];

  /**
   * `validate`: chevrotain's checks of the grammar (ambiguities, left recursion), which only a change
   * of this file can break; test/grammar.test.ts runs them, a parse skips them.
   */
  constructor(options: { validate: boolean }) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 2,
      errorMessageProvider: errorMessages,
      skipValidations: !options.validate,
    });
    this.performSelfAnalysis();
  }

  begin(file: string, lines: LineIndex, tokens: IToken[], textLength: number, swallowedToEnd: boolean): void {
    this.file = file;
    this.lastStray = -1;
    this.lines = lines;
    this.textLength = textLength;
    this.swallowedToEnd = swallowedToEnd;
    this.unclosedReported = false;
    this.problems = [];
    this.input = tokens;
  }

  /**
   * Recovery may make up punctuation (a missing `=` or `}`), never a name or a value: a made-up name
   * would let the statement swallow what follows, and a statement without its value is dropped anyway.
   */
  override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return tokType === T.Equals || tokType === T.LBrace || tokType === T.RBrace || tokType === T.Comma;
  }

  /** Whether the next token goes on with the statement so far: on its line, or after a trailing `=` or `,`. */
  private onTheLine(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (!prev || !this.lines || Number.isNaN(prev.startOffset) || Number.isNaN(next.startOffset)) return true;
    if (prev.tokenType === T.Equals || prev.tokenType === T.Comma) return true;
    return this.lines.position(prev.startOffset + prev.image.length).line === this.lines.position(next.startOffset).line;
  }

  // ---- spans -------------------------------------------------------------------------------

  private span(from: number, to: number): Span {
    return new SourceSpan(this.file, this.lines, from, to);
  }

  private tokenSpan(tok: IToken): Span {
    if (tok.isInsertedInRecovery || Number.isNaN(tok.startOffset)) {
      // an inserted token has no place in the text: point just after the last real token
      const prev = this.LA(0);
      const at = prev && !Number.isNaN(prev.startOffset) ? prev.startOffset + prev.image.length : 0;
      return this.span(at, at);
    }
    return this.span(tok.startOffset, tok.startOffset + tok.image.length);
  }

  /** From the first token of a statement to the last token consumed so far. */
  private spanFrom(first: IToken): Span {
    const last = this.LA(0);
    if (Number.isNaN(first.startOffset)) return this.tokenSpan(first);
    const to =
      last && !Number.isNaN(last.startOffset) && last.startOffset >= first.startOffset
        ? last.startOffset + last.image.length
        : first.startOffset + first.image.length;
    return this.span(first.startOffset, to);
  }

  /**
   * The `}` that closes a block. At the end of the file it is reported once, at the end, with a
   * label at the statement it would close; not at all when an unterminated text block or comment
   * has swallowed the rest of the file (its M0002 says it all). The block itself is kept.
   */
  private close(open: IToken): void {
    const recording = (this as unknown as { RECORDING_PHASE: boolean }).RECORDING_PHASE;
    if (!recording && this.LA(1).tokenType === EOF) {
      this.ACTION(() => {
        if (this.unclosedReported || this.swallowedToEnd) return;
        this.unclosedReported = true;
        const end = this.span(this.textLength, this.textLength);
        this.problems.push(
          diagnostic("M0001", end, `expected \`}\`, found end of file`, {
            labels: [{ span: this.tokenSpan(open), message: "this block is not closed" }],
            help: "add the missing `}`",
          }),
        );
      });
      return;
    }
    this.CONSUME(T.RBrace);
  }

  /**
   * A statement whose required parts were lost to error recovery is dropped: its syntax error is
   * already reported, and a half-built node would only cause a second diagnostic about the same fault.
   */
  private whole<T>(node: T, ...parts: unknown[]): T {
    return (parts.every((p) => p !== undefined) ? node : undefined) as T;
  }

  private nameOf(tok: IToken): A.Name {
    return { text: tok.image, span: this.tokenSpan(tok) };
  }

  private literal(tok: IToken): A.Literal {
    return literalFromToken(tok, this.tokenSpan(tok));
  }

  // ---- names and values --------------------------------------------------------------------

  /** A name; a keyword here is M0001 with a help that says so. */
  private name = this.RULE("name", (what: string = "a name"): A.Name => {
    const tok = this.CONSUME(T.NameToken);
    return this.ACTION(() => {
      if (tok.isInsertedInRecovery) return undefined as unknown as A.Name;
      const n = this.nameOf(tok);
      if (tok.tokenType !== T.Identifier) {
        n.reserved = true;
        this.problems.push(
          diagnostic("M0001", n.span, `\`${tok.image}\` is a keyword and cannot be used as ${what}`, {
            help: `keywords are reserved; choose another name, such as \`${tok.image}_1\``,
          }),
        );
      }
      return n;
    });
  });

  /** A name that may be spelled like a keyword: after `role` and after `by`. */
  private anyName = this.RULE("anyName", (): A.Name => {
    const tok = this.CONSUME(T.NameToken);
    return this.ACTION(() => (tok.isInsertedInRecovery ? (undefined as unknown as A.Name) : this.nameOf(tok)));
  });

  /**
   * A name that refers to a model, after `=`: an identifier only, so that when it is missing the
   * next statement's keyword is not taken for it (and recovery resumes at that statement).
   */
  private ref = this.RULE("ref", (): A.Name => {
    const tok = this.CONSUME(T.Identifier);
    return this.ACTION(() => (tok.isInsertedInRecovery ? (undefined as unknown as A.Name) : this.nameOf(tok)));
  });

  private assertionId = this.RULE("assertionId", (): A.Name => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.DottedId);
          return this.ACTION(() => this.nameOf(t));
        },
      },
      { ALT: () => this.SUBRULE(this.name, { ARGS: ["an assertion id"] }) },
    ]);
  });

  /** `a, b, c`. A comma with nothing after it is one M0001, and the names before it still count. */
  private nameList = this.RULE("nameList", (what: string): A.Name[] => {
    const out: A.Name[] = [];
    const first = this.SUBRULE(this.name, { ARGS: [what] });
    this.ACTION(() => first && out.push(first));
    this.MANY(() => {
      const comma = this.CONSUME(T.Comma);
      const next = this.OPTION(() => this.SUBRULE2(this.name, { ARGS: [what] }));
      this.ACTION(() => (next ? out.push(next) : this.danglingComma(comma, what)));
    });
    return out;
  });

  private idList = this.RULE("idList", (): A.Name[] => {
    const out: A.Name[] = [];
    const first = this.SUBRULE(this.assertionId);
    this.ACTION(() => first && out.push(first));
    this.MANY(() => {
      const comma = this.CONSUME(T.Comma);
      const next = this.OPTION(() => this.SUBRULE2(this.assertionId));
      this.ACTION(() => (next ? out.push(next) : this.danglingComma(comma, "an assertion id")));
    });
    return out;
  });

  private danglingComma(comma: IToken, what: string): void {
    this.problems.push(diagnostic("M0001", this.tokenSpan(comma), `expected ${what} after \`,\``, { help: "remove the trailing comma" }));
  }

  /** A string; one that error recovery made up is missing, so the statement that needed it is dropped. */
  private str = this.RULE("str", (): A.Literal => {
    const tok = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => (tok.isInsertedInRecovery ? (undefined as unknown as A.Literal) : this.literal(tok)));
  });

  private text = this.RULE("text", (): A.Literal => {
    const tok = this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME(T.TextBlock) }]);
    return this.ACTION(() => this.literal(tok));
  });

  private value = this.RULE("value", (): A.Literal => {
    const tok = this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.TextBlock) },
      { ALT: () => this.CONSUME(T.NumericLiteral) },
      { ALT: () => this.CONSUME(T.KW.true) },
      { ALT: () => this.CONSUME(T.KW.false) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.DottedId) },
    ]);
    return this.ACTION(() => this.literal(tok));
  });

  // ---- generic statements ------------------------------------------------------------------

  /**
   * `name values... [{ ... }]`: any statement a block does not know. It ends at the next keyword,
   * or at the end of its line (unless the line ends in `=` or `,`): a misspelt `skil sq = "x.md"`
   * does not swallow the unknown word that starts the next line, which is a statement of its own.
   */
  private field = this.RULE("field", (): A.Field => {
    const head = this.CONSUME(T.NameToken);
    const values: A.Literal[] = [];
    let body: A.Field[] | undefined;
    this.MANY({
      GATE: () => this.onTheLine(),
      DEF: () => {
        this.OR2([
          {
            ALT: () => {
              const v = this.SUBRULE(this.value);
              this.ACTION(() => v && values.push(v));
            },
          },
          { ALT: () => this.CONSUME(T.Equals) },
          { ALT: () => this.CONSUME(T.Comma) },
        ]);
      },
    });
    this.OPTION(() => {
      body = [];
      this.CONSUME(T.LBrace);
      this.MANY2(() => {
        const f = this.SUBRULE(this.field);
        this.ACTION(() => f && body!.push(f));
      });
      this.close(head);
    });
    return this.ACTION(() => {
      const f: A.Field = { kind: "field", name: this.nameOf(head), values, span: this.spanFrom(head) };
      if (body) f.body = body;
      return f;
    });
  });

  /**
   * `name value [, value ...]` or `name { settings }`: the statements of budget, policy, price,
   * option and permission blocks. Which settings take a list (`tools read, write`) is checked later.
   */
  private setting = this.RULE("setting", (): A.Setting => {
    const head = this.CONSUME(T.NameToken);
    let value: A.Literal | undefined;
    const more: A.Literal[] = [];
    let body: A.Setting[] | undefined;
    this.OR2([
      {
        ALT: () => {
          value = this.SUBRULE(this.value);
          this.MANY(() => {
            const comma = this.CONSUME(T.Comma);
            const next = this.OPTION(() => this.SUBRULE2(this.value));
            this.ACTION(() => (next ? more.push(next) : this.danglingComma(comma, "a value")));
          });
        },
      },
      {
        ALT: () => {
          body = this.SUBRULE(this.settingsBlock);
        },
      },
    ]);
    return this.ACTION(() => {
      const s: A.Setting = { kind: "setting", name: this.nameOf(head), span: this.spanFrom(head) };
      if (value) s.value = value;
      if (more.length) s.more = more;
      if (body) s.body = body;
      return s;
    });
  });

  private settingsBlock = this.RULE("settingsBlock", (): A.Setting[] => {
    const out: A.Setting[] = [];
    const open = this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const s = this.SUBRULE(this.setting);
            this.ACTION(() => s && out.push(s));
          },
        },
        { ALT: () => this.SUBRULE(this.stray) },
      ]);
    });
    this.close(open);
    return out;
  });

  private lastStray = -1;

  /** A token that cannot begin a statement: one M0001 for a run of them, then the block goes on. */
  private stray = this.RULE("stray", (): undefined => {
    const before = this.LA(0);
    const tok = this.CONSUME(T.Stray);
    // a block right after it (`feature f "title" "extra" { ... }`) goes with it, unread
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.field) }, { ALT: () => this.SUBRULE(this.stray) }]));
      this.close(tok);
    });
    this.ACTION(() => {
      const follows = before && !Number.isNaN(before.startOffset) && before.startOffset === this.lastStray;
      this.lastStray = tok.startOffset;
      if (follows) return;
      this.problems.push(
        diagnostic("M0001", this.tokenSpan(tok), `unexpected ${describeToken(tok)}: a statement begins with a keyword`, {
          help: "remove it, or join it to the statement it belongs to",
        }),
      );
    });
    return undefined;
  });

  // ---- declarations ------------------------------------------------------------------------

  public declarations = this.RULE("declarations", (): A.Declaration[] => {
    const out: A.Declaration[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const d = this.SUBRULE(this.declaration);
            this.ACTION(() => d && out.push(d));
          },
        },
        { ALT: () => this.SUBRULE(this.stray) },
      ]);
    });
    return out;
  });

  private declaration = this.RULE("declaration", (): A.Declaration => {
    return this.OR<A.Declaration>({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.missionDecl) },
        { ALT: () => this.SUBRULE(this.includeDecl) },
        { ALT: () => this.SUBRULE(this.goalDecl) },
        { ALT: () => this.SUBRULE(this.branchOrRepo) },
        { ALT: () => this.SUBRULE(this.budgetOrPolicy) },
        // `permissions` is no keyword (a feature may be called so): it begins this statement only before `{`
        {
          GATE: () => this.LA(1).image === PERMISSIONS && this.LA(2).tokenType === T.LBrace,
          ALT: () => this.SUBRULE(this.permissionsDecl),
        },
        { ALT: () => this.SUBRULE(this.modelDecl) },
        { ALT: () => this.SUBRULE(this.roleDecl) },
        { ALT: () => this.SUBRULE(this.procedureDecl) },
        { ALT: () => this.SUBRULE(this.skillDecl) },
        { ALT: () => this.SUBRULE(this.contractDecl) },
        { ALT: () => this.SUBRULE(this.milestoneDecl) },
        { ALT: () => this.SUBRULE(this.field) },
      ],
    });
  });

  private missionDecl = this.RULE("missionDecl", (): A.MissionDecl => {
    const kw = this.CONSUME(T.KW.mission);
    const name = this.SUBRULE(this.name, { ARGS: ["a mission name"] });
    const title = this.OPTION(() => this.SUBRULE(this.str));
    this.CONSUME(T.LBrace);
    const body = this.SUBRULE(this.declarations);
    this.close(kw);
    return this.ACTION(() => {
      const m: A.MissionDecl = { kind: "mission", keyword: this.tokenSpan(kw), name, body: body ?? [], span: this.spanFrom(kw) };
      if (title) m.title = title;
      checkBlockFields("mission", m.body, this.problems);
      return this.whole(m, name);
    });
  });

  private includeDecl = this.RULE("includeDecl", (): A.IncludeDecl => {
    const kw = this.CONSUME(T.KW.include);
    const path = this.SUBRULE(this.str);
    return this.ACTION(() => this.whole<A.IncludeDecl>({ kind: "include", path, span: this.spanFrom(kw) }, path));
  });

  private goalDecl = this.RULE("goalDecl", (): A.GoalDecl => {
    const kw = this.CONSUME(T.KW.goal);
    const text = this.SUBRULE(this.text);
    return this.ACTION(() => this.whole<A.GoalDecl>({ kind: "goal", text, span: this.spanFrom(kw) }, text));
  });

  private branchOrRepo = this.RULE("branchOrRepo", (): A.BranchDecl | A.RepoDecl => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.KW.branch) }, { ALT: () => this.CONSUME(T.KW.repo) }]);
    const value = this.SUBRULE(this.str);
    return this.ACTION(() =>
      this.whole<A.BranchDecl | A.RepoDecl>({ kind: kw.image === "repo" ? "repo" : "branch", value, span: this.spanFrom(kw) }, value),
    );
  });

  private budgetOrPolicy = this.RULE("budgetOrPolicy", (): A.BudgetDecl | A.PolicyDecl => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.KW.budget) }, { ALT: () => this.CONSUME(T.KW.policy) }]);
    const settings = this.SUBRULE(this.settingsBlock);
    return this.ACTION(() => {
      const kind = kw.image === "policy" ? "policy" : "budget";
      checkBlockFields(kind, settings ?? [], this.problems);
      return { kind, settings: settings ?? [], span: this.spanFrom(kw) };
    });
  });

  /** `permissions { ROLE { network N  tools T, ... } ... }`: roles are checked by the checker (M0601). */
  private permissionsDecl = this.RULE("permissionsDecl", (): A.PermissionsDecl => {
    const kw = this.CONSUME(T.Identifier);
    const roles = this.SUBRULE(this.settingsBlock);
    return this.ACTION(() => {
      for (const r of roles ?? []) if (r.body) checkBlockFields("permission", r.body, this.problems);
      return { kind: "permissions", roles: roles ?? [], span: this.spanFrom(kw) };
    });
  });

  private modelDecl = this.RULE("modelDecl", (): A.ModelDecl => {
    const kw = this.CONSUME(T.KW.model);
    const name = this.SUBRULE(this.name, { ARGS: ["a model name"] });
    this.CONSUME(T.Equals);
    const provider = this.SUBRULE(this.ref);
    const id = this.SUBRULE(this.str);
    const options = this.OPTION(() => this.SUBRULE(this.settingsBlock));
    return this.ACTION(() => {
      for (const o of options ?? []) if (o.name.text === "price") checkBlockFields("price", o.body ?? [], this.problems);
      return this.whole<A.ModelDecl>(
        { kind: "model", name, provider, id, options: options ?? [], span: this.spanFrom(kw) },
        name,
        provider,
        id,
      );
    });
  });

  private roleDecl = this.RULE("roleDecl", (): A.RoleDecl => {
    const kw = this.CONSUME(T.KW.role);
    const role = this.SUBRULE(this.anyName);
    this.CONSUME(T.Equals);
    const model = this.SUBRULE(this.ref);
    return this.ACTION(() => this.whole<A.RoleDecl>({ kind: "role", role, model, span: this.spanFrom(kw) }, role, model));
  });

  private procedureDecl = this.RULE("procedureDecl", (): A.ProcedureDecl => {
    const kw = this.CONSUME(T.KW.procedure);
    const name = this.SUBRULE(this.name, { ARGS: ["a procedure name"] });
    this.CONSUME(T.Equals);
    const command = this.SUBRULE(this.str);
    const options = this.OPTION(() => this.SUBRULE(this.settingsBlock));
    return this.ACTION(() => {
      checkBlockFields("procedure", options ?? [], this.problems);
      return this.whole<A.ProcedureDecl>(
        { kind: "procedure", name, command, options: options ?? [], span: this.spanFrom(kw) },
        name,
        command,
      );
    });
  });

  private skillDecl = this.RULE("skillDecl", (): A.SkillDecl => {
    const kw = this.CONSUME(T.KW.skill);
    const name = this.SUBRULE(this.name, { ARGS: ["a skill name"] });
    this.CONSUME(T.Equals);
    const path = this.SUBRULE(this.str);
    return this.ACTION(() => this.whole<A.SkillDecl>({ kind: "skill", name, path, span: this.spanFrom(kw) }, name, path));
  });

  private contractDecl = this.RULE("contractDecl", (): A.ContractDecl => {
    const kw = this.CONSUME(T.KW.contract);
    const asserts: A.AssertDecl[] = [];
    const fields: A.Field[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            ALT: () => {
              const a = this.SUBRULE(this.assertDecl);
              this.ACTION(() => a && asserts.push(a));
            },
          },
          {
            ALT: () => {
              const f = this.SUBRULE(this.field);
              this.ACTION(() => f && fields.push(f));
            },
          },
          { ALT: () => this.SUBRULE(this.stray) },
        ],
      });
    });
    this.close(kw);
    return this.ACTION(() => {
      checkBlockFields("contract", fields, this.problems);
      return { kind: "contract", asserts, span: this.spanFrom(kw) };
    });
  });

  private assertDecl = this.RULE("assertDecl", (): A.AssertDecl => {
    const kw = this.CONSUME(T.KW.assert);
    const id = this.SUBRULE(this.assertionId);
    const text = this.SUBRULE(this.str);
    const a = this.ACTION((): A.AssertDecl => ({ kind: "assert", id, text, span: this.tokenSpan(kw) }));
    const seen: (Marker | A.Field)[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        this.OR({
          IGNORE_AMBIGUITIES: true,
          DEF: [
            {
              ALT: () => {
                const c = this.CONSUME(T.KW.check);
                const cmd = this.SUBRULE2(this.str);
                this.ACTION(() => {
                  seen.push(this.marker(c));
                  if (!a.check && cmd) a.check = cmd;
                });
              },
            },
            {
              ALT: () => {
                const b = this.CONSUME(T.KW.by);
                const v = this.SUBRULE(this.anyName);
                this.ACTION(() => {
                  seen.push(this.marker(b));
                  if (!a.by && v) a.by = { value: v, span: this.spanFrom(b) };
                });
              },
            },
            {
              ALT: () => {
                const f = this.SUBRULE(this.field);
                this.ACTION(() => f && seen.push(f));
              },
            },
            { ALT: () => this.SUBRULE(this.stray) },
          ],
        });
      });
      this.close(kw);
    });
    return this.ACTION(() => {
      checkBlockFields("assert", seen, this.problems);
      a.span = this.spanFrom(kw);
      return this.whole(a, id, text);
    });
  });

  /** A stand-in field for a known statement, so `checkBlockFields` can see it given twice. */
  private marker(kw: IToken): Marker {
    return { kind: "marker", name: this.nameOf(kw) };
  }

  private milestoneDecl = this.RULE("milestoneDecl", (): A.MilestoneDecl => {
    const kw = this.CONSUME(T.KW.milestone);
    const name = this.SUBRULE(this.name, { ARGS: ["a milestone name"] });
    const m = this.ACTION((): A.MilestoneDecl => ({ kind: "milestone", name, features: [], span: this.tokenSpan(kw) }));
    this.OPTION(() => {
      const t = this.SUBRULE(this.str);
      this.ACTION(() => {
        if (t) m.title = t;
      });
    });
    const seen: (Marker | A.Field)[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            ALT: () => {
              const f = this.SUBRULE(this.featureDecl);
              this.ACTION(() => f && m.features.push(f));
            },
          },
          {
            ALT: () => {
              const v = this.CONSUME(T.KW.validate);
              const list = this.SUBRULE(this.nameList, { ARGS: ["a validator"] });
              this.ACTION(() => {
                seen.push(this.marker(v));
                if (!m.validate) m.validate = { validators: list ?? [], span: this.spanFrom(v) };
              });
            },
          },
          {
            ALT: () => {
              const f = this.SUBRULE(this.field);
              this.ACTION(() => f && seen.push(f));
            },
          },
          { ALT: () => this.SUBRULE(this.stray) },
        ],
      });
    });
    this.close(kw);
    return this.ACTION(() => {
      checkBlockFields("milestone", seen, this.problems);
      m.span = this.spanFrom(kw);
      return this.whole(m, name);
    });
  });

  private featureDecl = this.RULE("featureDecl", (): A.FeatureDecl => {
    const kw = this.CONSUME(T.KW.feature);
    const name = this.SUBRULE(this.name, { ARGS: ["a feature name"] });
    const f = this.ACTION((): A.FeatureDecl => ({ kind: "feature", name, fulfills: [], needs: [], skills: [], span: this.tokenSpan(kw) }));
    this.OPTION(() => {
      const t = this.SUBRULE(this.str);
      this.ACTION(() => {
        if (t) f.title = t;
      });
    });
    const seen: (Marker | A.Field)[] = [];
    this.OPTION2(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => this.SUBRULE(this.featureStatement, { ARGS: [f, seen] }));
      this.close(kw);
    });
    return this.ACTION(() => {
      checkBlockFields("feature", seen, this.problems);
      f.span = this.spanFrom(kw);
      return this.whole(f, name);
    });
  });

  private featureStatement = this.RULE("featureStatement", (f: A.FeatureDecl, seen: (Marker | A.Field)[]): void => {
    const first = (kw: IToken, apply: () => void): void => {
      this.ACTION(() => {
        const again = seen.some((s) => s.name.text === kw.image);
        seen.push(this.marker(kw));
        if (!again) apply();
      });
    };
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const k = this.CONSUME(T.KW.spec);
            const t = this.SUBRULE(this.text);
            first(k, () => {
              if (t) f.spec = t;
            });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(T.KW.fulfills);
            const l = this.SUBRULE(this.idList);
            first(k, () => {
              f.fulfills = l ?? [];
            });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(T.KW.needs);
            const l = this.SUBRULE(this.nameList, { ARGS: ["a feature name"] });
            first(k, () => {
              f.needs = l ?? [];
            });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(T.KW.skills);
            const l = this.SUBRULE2(this.nameList, { ARGS: ["a skill name"] });
            first(k, () => {
              f.skills = l ?? [];
            });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(T.KW.worker);
            const n = this.SUBRULE(this.name, { ARGS: ["a model name"] });
            first(k, () => {
              if (n) f.worker = n;
            });
          },
        },
        {
          ALT: () => {
            const fl = this.SUBRULE(this.field);
            this.ACTION(() => fl && seen.push(fl));
          },
        },
        { ALT: () => this.SUBRULE(this.stray) },
      ],
    });
  });
}
