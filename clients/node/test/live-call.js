#!/usr/bin/env node
'use strict';
// One signed Echo call through a real gateway, for gateway-grpc's OtherLanguageClientsEndToEndTest
// and for trying a node by hand:
//
//   node test/live-call.js --port 8443 --authority localhost:8443 --ca-file gateway.pem \
//       --access-key AK... --secret-file secret.txt [--host localhost] [--message hello]
//
// Prints "OK message=<echoed> backend=<name> request-id=<id>" and exits 0, or prints
// "FAILED <STATUS> <x-keygate-error-code> <details>" and exits 1 (2 for bad arguments).
// EchoRequest is encoded by hand (test/echo-codec.js): no generated stubs needed.

const fs = require('node:fs');
const { parseArgs } = require('node:util');
const grpc = require('@grpc/grpc-js');
const { createSigner, signingInterceptor, HEADER } = require('../src');
const { encodeEchoRequest, decodeEchoResponse, ECHO_PATH } = require('./echo-codec');

function main() {
  let args;
  try {
    ({ values: args } = parseArgs({
      options: {
        host: { type: 'string', default: 'localhost' },
        port: { type: 'string' },
        authority: { type: 'string' },
        'ca-file': { type: 'string' },
        'access-key': { type: 'string' },
        'secret-file': { type: 'string' },
        message: { type: 'string', default: 'hello from node' },
      },
    }));
    for (const required of ['port', 'authority', 'ca-file', 'access-key', 'secret-file']) {
      if (!args[required]) throw new Error(`--${required} is required`);
    }
  } catch (e) {
    console.error(`live-call: ${e.message}`);
    process.exit(2);
  }
  const signer = createSigner({
    accessKey: args['access-key'],
    secret: fs.readFileSync(args['secret-file'], 'utf8'), // trailing newline allowed
  });
  const Client = grpc.makeGenericClientConstructor({}, 'EchoService');
  const client = new Client(`${args.host}:${args.port}`,
    grpc.credentials.createSsl(fs.readFileSync(args['ca-file'])), {
      'grpc.enable_retries': 0, // a retry would resend an accepted nonce
      interceptors: [signingInterceptor(signer, { authority: args.authority })],
    });
  const identity = (b) => b;
  let requestId = '-';
  const call = client.makeUnaryRequest(ECHO_PATH, identity, identity,
    encodeEchoRequest(args.message), new grpc.Metadata(), { deadline: Date.now() + 20_000 },
    (err, reply) => {
      client.close();
      if (err) {
        const code = err.metadata?.get(HEADER.ERROR_CODE)[0] ?? '-';
        console.log(`FAILED ${grpc.status[err.code]} ${code} ${err.details}`);
        process.exitCode = 1;
        return;
      }
      const r = decodeEchoResponse(reply);
      console.log(`OK message=${r.message} backend=${r.backend} request-id=${requestId}`);
    });
  // Every call's request id (spec revision 2.1): in the response headers when the backend sent any.
  call.on('metadata', (headers) => { requestId = headers.get(HEADER.REQUEST_ID)[0] ?? '-'; });
}

main();
