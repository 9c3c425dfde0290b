import { ExpressAdapter } from '@nestjs/platform-express';

/** This app runs on Express. */
export const httpAdapter = () => new ExpressAdapter();
