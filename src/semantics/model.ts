import type * as A from "../syntax/ast.js";

/**
 * The bound mission: every declaration in a symbol table by name, in execution order.
 * Only the first of two declarations with one name is bound; the second is reported (M0101) and
 * otherwise ignored, so later checks never see it and never report it again.
 */
export interface BoundFeature {
  decl: A.FeatureDecl;
  milestone: A.MilestoneDecl;
  /** position in execution order */
  index: number;
}

export interface BoundMission {
  decl: A.MissionDecl;
  goal?: A.GoalDecl;
  branch?: A.BranchDecl;
  repo?: A.RepoDecl;
  budget?: A.BudgetDecl;
  policy?: A.PolicyDecl;
  permissions?: A.PermissionsDecl;
  models: Map<string, A.ModelDecl>;
  roles: Map<string, A.RoleDecl>;
  procedures: Map<string, A.ProcedureDecl>;
  skills: Map<string, A.SkillDecl>;
  assertions: Map<string, A.AssertDecl>;
  milestones: Map<string, A.MilestoneDecl>;
  features: Map<string, BoundFeature>;
  /** features in execution order: milestones in order, features in order within each */
  order: BoundFeature[];
  /** features declared a second time (or in a milestone declared a second time): reported, not run */
  shadowed: A.FeatureDecl[];
}

export const ROLES = ["orchestrator", "worker", "reviewer", "user_tester", "researcher"] as const;
export const REQUIRED_ROLES = ["orchestrator", "worker"] as const;
export const VALIDATORS = ["scrutiny", "user_testing"] as const;
export const JUDGES = ["reviewer", "user_tester", "check"] as const;
