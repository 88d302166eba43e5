export { registerStudioRoutes } from './studio-routes.ts';
export { type StudioExecution, StudioStore } from './studio-store.ts';
