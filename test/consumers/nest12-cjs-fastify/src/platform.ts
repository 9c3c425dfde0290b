import { FastifyAdapter } from '@nestjs/platform-fastify';

/** This app runs on Fastify. */
export const httpAdapter = () => new FastifyAdapter();
