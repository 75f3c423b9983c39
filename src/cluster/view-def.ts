/**
 * A view as the catalog keeps it: the SELECT text as written and the clauses MySQL stores with
 * it. The text is bound afresh wherever a query reads the view, in the view's database, so a
 * view always sees its tables' current definitions (and reports 1356 when they are gone).
 */
export interface ViewDef {
  readonly db: string;
  readonly name: string;
  /**
   * The database the SELECT's unqualified names resolve in: the creating session's (MySQL
   * resolves them at CREATE time and stores them qualified).
   */
  readonly nameDb: string;
  /** The SELECT as written after AS. */
  readonly queryText: string;
  /** The view's column names as its column list gave them; absent: the SELECT's names. */
  readonly columns?: readonly string[];
  readonly algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE';
  readonly definer: { readonly user: string; readonly host: string };
  readonly security: 'DEFINER' | 'INVOKER';
  readonly checkOption: 'NONE' | 'CASCADED' | 'LOCAL';
  /** The session's character_set_client / collation_connection when it was created. */
  readonly charsetClient: string;
  readonly collationConnection: string;
  readonly createdAt: string;
}
