// The console's request pages: the queue with its bulk decision, and each request's page
// with the actions on it.
import type { FastifyPluginAsync } from 'fastify';
import type { ConsoleDeps } from '../console.ts';
import { queueRoutes } from './queue.ts';
import { requestPageRoutes } from './request.ts';

export const requestRoutes: FastifyPluginAsync<ConsoleDeps> = async (app, deps) => {
  await app.register(queueRoutes, deps);
  await app.register(requestPageRoutes, deps);
};
