import { LLkLookaheadStrategy, type ILookaheadStrategy } from "./chevrotain.js";

type Strategy = ILookaheadStrategy;
type AlternationOptions = Parameters<Strategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<Strategy["buildLookaheadForOptional"]>[0];
type AlternationLookahead = ReturnType<Strategy["buildLookaheadForAlternation"]>;
type OptionalLookahead = ReturnType<Strategy["buildLookaheadForOptional"]>;

/**
 * chevrotain's own LL(k) lookahead, each decision built the first time the parser reaches it rather
 * than all of them when the parser is made. Building every decision of the grammar is half of the
 * parser's construction, paid at every start of the CLI, and a small file reaches only some of them.
 * The functions are the library's, so what the parser decides is unchanged; they are called with the
 * parser as `this`, as chevrotain calls them.
 */
export class LazyLookahead implements Strategy {
  private readonly eager: Strategy;

  constructor(maxLookahead: number) {
    this.eager = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: Parameters<Strategy["validate"]>[0]): ReturnType<Strategy["validate"]> {
    return this.eager.validate(options);
  }

  initialize(options: { rules: Parameters<Strategy["validate"]>[0]["rules"] }): void {
    this.eager.initialize?.(options);
  }

  buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    const eager = this.eager;
    let built: AlternationLookahead | undefined;
    return function (this: unknown, orAlts) {
      built ??= eager.buildLookaheadForAlternation(options);
      return built.call(this, orAlts);
    };
  }

  buildLookaheadForOptional(options: OptionalOptions): OptionalLookahead {
    const eager = this.eager;
    let built: OptionalLookahead | undefined;
    return function (this: unknown) {
      built ??= eager.buildLookaheadForOptional(options);
      return built.call(this);
    };
  }
}
