// NestJS 11 on Express (its default platform). Compiled like the Rivet server (swc, decorator metadata on).
import 'reflect-metadata';
// @ts-ignore -- bench/node_modules holds Nest; `npm test` type-checks bench/ without installing it (typed when present).
import { NestFactory } from '@nestjs/core';
import { AppModule, LOGGER, start } from './_nest-app';

NestFactory.create(AppModule, { logger: [...LOGGER] }).then(start);
