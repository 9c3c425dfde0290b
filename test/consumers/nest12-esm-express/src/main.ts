import 'reflect-metadata';
import { serve } from './serve.js';

await serve(Number(process.env.PORT ?? 3000));
