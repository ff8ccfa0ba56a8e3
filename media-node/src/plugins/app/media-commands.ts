import fp from 'fastify-plugin';
import type { MediaCommands } from '../../sessions/media-commands.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The command layer the signed commands are executed by. */
    commands: MediaCommands;
  }
}

/** Gives the routes the media node's command layer (`app.commands`). */
export const mediaCommandsPlugin = fp(
  async (app, opts: { commands: MediaCommands }) => {
    app.decorate('commands', opts.commands);
  },
  { name: 'media-commands' },
);
