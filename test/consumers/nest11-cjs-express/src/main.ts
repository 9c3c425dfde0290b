import 'reflect-metadata';
import { serve } from './serve.js';

void serve(Number(process.env.PORT ?? 3000));
