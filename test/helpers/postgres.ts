/** A throwaway Postgres cluster for a test: bench/postgres.js, shared with bench/fleet.js. */
export { postgresMissing, startPostgres } from "../../bench/postgres.js";

export interface Postgres {
  url: string;
  stop(): void;
  /** the server goes away, its data kept */
  halt(): void;
  /** and comes back on the same port */
  restart(): void;
}
