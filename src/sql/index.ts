/** The SQL front end: MySQL text → AST, fingerprints for the plan cache, AST → text. */
export type * from './ast.js';
export { parse, parseOne, fingerprint } from './parser.js';
export { printExpr, printStatement, printQuery, printType, printColumnDef, printIndexDef, quoteIdent, quoteString } from './print.js';
export { printAccountStatement, printUserName, printPrivilegeLevel } from './print-account.js';
