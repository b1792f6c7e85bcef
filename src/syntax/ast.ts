import type { Span } from "../diagnostics/diagnostic.js";

export type { Span };

/**
 * The syntax tree of one `.mission` file. Every node carries the span of the text it came from,
 * and every name, value and keyword that a diagnostic might point at carries its own span.
 * The tree is what was written, checked only for shape: names are not resolved here.
 */

/** A name as written: an identifier, a dotted assertion id, or a keyword where one is allowed. */
export interface Name {
  text: string;
  span: Span;
  /** a keyword written where a name belongs: already reported (M0001), so no check looks it up */
  reserved?: true;
}

export type LiteralKind = "number" | "quantity" | "duration" | "money" | "string" | "text" | "boolean" | "name" | "malformed";

/** A value. `value` is the meaning: seconds for durations, dollars for money, a count for quantities. */
export interface Literal {
  kind: LiteralKind;
  raw: string;
  value: number | string | boolean;
  span: Span;
}

/** A statement the grammar does not know in its block: reported as M0206, kept for the formatter. */
export interface Field {
  kind: "field";
  name: Name;
  values: Literal[];
  body?: Field[];
  span: Span;
}

/** `name value` inside budget, policy, model options, price, procedure options. */
export interface Setting {
  kind: "setting";
  name: Name;
  value?: Literal;
  /** the values after the first when a list was written (`tools read, write, run`) */
  more?: Literal[];
  /** a nested block: `price { ... }`, a role's `worker { ... }` in permissions */
  body?: Setting[];
  span: Span;
}

export interface MissionDecl {
  kind: "mission";
  keyword: Span;
  name: Name;
  title?: Literal;
  body: Declaration[];
  span: Span;
}

export interface IncludeDecl {
  kind: "include";
  path: Literal;
  span: Span;
}
export interface GoalDecl {
  kind: "goal";
  text: Literal;
  span: Span;
}
export interface BranchDecl {
  kind: "branch";
  value: Literal;
  span: Span;
}
export interface RepoDecl {
  kind: "repo";
  value: Literal;
  span: Span;
}
export interface BudgetDecl {
  kind: "budget";
  settings: Setting[];
  span: Span;
}
export interface PolicyDecl {
  kind: "policy";
  settings: Setting[];
  span: Span;
}

/** `permissions { worker { network loopback  tools read, write } ... }`: a setting per role. */
export interface PermissionsDecl {
  kind: "permissions";
  roles: Setting[];
  span: Span;
}

export interface ModelDecl {
  kind: "model";
  name: Name;
  provider: Name;
  id: Literal;
  options: Setting[];
  span: Span;
}

export interface RoleDecl {
  kind: "role";
  role: Name;
  model: Name;
  span: Span;
}

export interface ProcedureDecl {
  kind: "procedure";
  name: Name;
  command: Literal;
  options: Setting[];
  span: Span;
}

export interface SkillDecl {
  kind: "skill";
  name: Name;
  path: Literal;
  span: Span;
}

export interface AssertDecl {
  kind: "assert";
  id: Name;
  text: Literal;
  check?: Literal;
  by?: { value: Name; span: Span };
  span: Span;
}

export interface ContractDecl {
  kind: "contract";
  asserts: AssertDecl[];
  span: Span;
}

export interface FeatureDecl {
  kind: "feature";
  name: Name;
  title?: Literal;
  spec?: Literal;
  fulfills: Name[];
  needs: Name[];
  skills: Name[];
  worker?: Name;
  span: Span;
}

export interface MilestoneDecl {
  kind: "milestone";
  name: Name;
  title?: Literal;
  features: FeatureDecl[];
  validate?: { validators: Name[]; span: Span };
  span: Span;
}

export type Declaration =
  | MissionDecl
  | IncludeDecl
  | GoalDecl
  | BranchDecl
  | RepoDecl
  | BudgetDecl
  | PolicyDecl
  | PermissionsDecl
  | ModelDecl
  | RoleDecl
  | ProcedureDecl
  | SkillDecl
  | ContractDecl
  | MilestoneDecl
  | Field;

export interface Comment {
  text: string;
  span: Span;
  /** offset in the file, so a formatter can put comments back between tokens */
  offset: number;
}

export interface SourceFile {
  path: string;
  /** an unterminated text block or comment ran to the end: what follows it was never read */
  truncated: boolean;
  declarations: Declaration[];
  comments: Comment[];
}
