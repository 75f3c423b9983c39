export { startMysqlServer, type MysqlServer, type MysqlServerOptions } from './server.js';
export { AuthPlugin, type AuthPluginName } from './constants.js';
export { nativeHash, sha2Hash } from './auth.js';
export * from './session-api.js';
