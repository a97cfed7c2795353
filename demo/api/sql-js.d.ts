// The few sql.js types the demo's API uses (the package ships none).
declare module 'sql.js' {
  export type SqlValue = number | string | Uint8Array | null;
  export interface QueryExecResult {
    columns: string[];
    values: SqlValue[][];
  }
  export interface Database {
    exec(sql: string, params?: SqlValue[] | Record<string, SqlValue>): QueryExecResult[];
    run(sql: string, params?: SqlValue[] | Record<string, SqlValue>): Database;
    getRowsModified(): number;
    export(): Uint8Array;
    close(): void;
  }
  export interface SqlJsStatic {
    Database: new (data?: Uint8Array) => Database;
  }
  export default function initSqlJs(config?: { locateFile?: (file: string) => string }): Promise<SqlJsStatic>;
}
