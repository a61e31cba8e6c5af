'use strict';
// Raw node:http (servers/node-http.js, unchanged) in a process that has also loaded the libraries every class-based
// app here loads for its DTOs: reflect-metadata, class-validator (with validator.js and libphonenumber-js) and
// class-transformer. It answers with node-http.js's hand-written code and never calls them: it is the RSS floor of
// "a server that carries the same validation libraries", next to the bare node:http floor. Not a reference for the
// throughput ratios (its request path is node-http.js's).
require('reflect-metadata');
require('class-validator');
require('class-transformer');
require('./node-http');
