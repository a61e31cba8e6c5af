// NestJS 11 on Fastify (@nestjs/platform-fastify). Compiled like the Rivet server (swc, decorator metadata on).
import 'reflect-metadata';
// @ts-ignore -- bench/node_modules holds Nest; `npm test` type-checks bench/ without installing it (typed when present).
import { NestFactory } from '@nestjs/core';
// @ts-ignore -- bench/node_modules holds Nest; `npm test` type-checks bench/ without installing it (typed when present).
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, LOGGER, start } from './_nest-app';

NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: [...LOGGER] }).then(start);
