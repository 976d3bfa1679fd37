/**
 * The credentials the demo sandboxes accept, as a person would type them into the sidebar's Connect
 * screen (the connectors' credential field names), by connector id. Each sandbox supplies its own
 * (local/sandbox/<id>/index.ts).
 */
export { demoCredentials } from '../sandbox/registry';
