// /admin/apps: the catalogue in the console (admins only, access.ts). List; create and
// edit console apps; open and close them. Apps from the configuration file are shown
// read-only. Every change goes through app/save-app.ts, which writes the admin audit with it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { checkedDefinition, createApp, setAppOpen, updateApp } from '../../../../app/save-app.ts';
import type { App } from '../../../../domain/apps.ts';
import { type FieldError, NotFoundError, ValidationError } from '../../../../domain/errors.ts';
import { callerActor } from '../../../auth.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import {
  AppForm,
  type AppFormValues,
  definitionInput,
  EMPTY_VALUES,
  formField,
  formValues,
  valuesOf,
} from './app-form.ts';
import { appFormBody, appsListBody } from './apps-page.ts';

const DONE = {
  created: 'App created.',
  saved: 'Changes saved.',
  opened: 'App opened.',
  closed: 'App closed.',
} as const;
type Done = keyof typeof DONE;
const PageQuery = Type.Object({ done: Type.Optional(Type.Enum(Object.keys(DONE) as Done[])) });
const AppParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const OpenForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  open: Type.Optional(Type.String({ maxLength: 10 })),
});

export const appRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  // Redirect URLs must be https unless this is the sandbox (config.ts says the same of the file).
  const saveDeps = { ...deps, httpsOnly: deps.sandbox === null };

  const showForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    input: { app: App | null; values: AppFormValues; errors?: Record<string, string> },
    status = 200,
  ) => {
    const { ctx } = await consoleContext(deps, request, reply);
    const body = appFormBody({
      app: input.app,
      values: input.values,
      errors: input.errors ?? {},
      csrfToken: ctx.csrfToken,
      readOnly: input.app?.source === 'file',
    });
    return sendPage(reply, ctx, { title: input.app?.name ?? 'New app', body, section: 'apps' }, status);
  };
  const errorsOf = (error: ValidationError) => {
    const out: Record<string, string> = {};
    for (const each of error.fields ?? []) out[formField(each.field)] ??= each.message;
    return out;
  };
  /** A YAML field that could not be read, with whatever else is wrong in the form. */
  const throwFormErrors = (yamlErrors: FieldError[], input: unknown) => {
    if (yamlErrors.length === 0) return;
    let others: FieldError[] = [];
    try {
      checkedDefinition(saveDeps, input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      others = error.fields ?? [];
    }
    throw new ValidationError('The app has invalid fields.', [...others, ...yamlErrors]);
  };
  const found = async (id: string) => {
    const stored = await deps.store.getApp(id);
    if (!stored) throw new NotFoundError('The app');
    return stored;
  };

  app.get('/admin/apps', { schema: { querystring: PageQuery } }, async (request, reply) => {
    const { ctx } = await consoleContext(deps, request, reply);
    const { done } = request.query;
    const body = appsListBody({
      apps: await deps.catalogue.listAll(),
      flash: done ? DONE[done] : undefined,
      csrfToken: ctx.csrfToken,
    });
    return sendPage(reply, ctx, { title: 'Apps', body, section: 'apps' });
  });

  app.get('/admin/apps/new', async (request, reply) => showForm(request, reply, { app: null, values: EMPTY_VALUES }));

  app.post('/admin/apps', { schema: { body: AppForm } }, async (request, reply) => {
    const values = formValues(request.body);
    const { input, errors } = definitionInput(values);
    try {
      throwFormErrors(errors, input);
      await createApp(saveDeps, { definition: input, actor: callerActor(request) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return showForm(request, reply, { app: null, values, errors: errorsOf(error) }, 400);
    }
    return reply.redirect('/admin/apps?done=created', 303);
  });

  app.get('/admin/apps/:id', { schema: { params: AppParams } }, async (request, reply) => {
    const stored = await found(request.params.id);
    return showForm(request, reply, { app: stored, values: valuesOf(stored) });
  });

  app.post('/admin/apps/:id', { schema: { params: AppParams, body: AppForm } }, async (request, reply) => {
    const stored = await found(request.params.id);
    const values = formValues(request.body);
    const { input, errors } = definitionInput(values);
    try {
      throwFormErrors(errors, input);
      await updateApp(saveDeps, { id: stored.id, definition: input, actor: callerActor(request) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return showForm(request, reply, { app: stored, values, errors: errorsOf(error) }, 400);
    }
    return reply.redirect('/admin/apps?done=saved', 303);
  });

  app.post('/admin/apps/:id/open', { schema: { params: AppParams, body: OpenForm } }, async (request, reply) => {
    const open = request.body.open === 'yes';
    await setAppOpen(saveDeps, { id: request.params.id, open, actor: callerActor(request) });
    return reply.redirect(`/admin/apps?done=${open ? 'opened' : 'closed'}`, 303);
  });
};
