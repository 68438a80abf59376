#!/usr/bin/env node
'use strict';
// Signed calls through a real gateway, for gateway-grpc's OtherLanguageClientsEndToEndTest and for
// trying a node by hand:
//
//   node test/live-call.js --port 8443 --authority localhost:8443 --ca-file gateway.pem \
//       --access-key AK... --secret-file secret.txt [--host localhost] [--message hello]
//
// One Echo call, signed with version 1. With --collect: one client-streaming Collect call signed
// with version 2 (every message chained, spec section 13), one message per --message (repeat it),
// through the signing interceptor. With --collect --tamper KIND as well: the same messages made
// by the library's signer and envelopes, then changed as an attacker in transit would (KIND:
// alter, drop, reorder or truncate; see tamper() below) and sent as raw bytes.
//
// Prints "OK message=<echoed> backend=<name> [index=<messages the backend got, Collect>]
// request-id=<id>" and exits 0, or prints "FAILED <STATUS> <x-keygate-error-code> <details>"
// and exits 1 (2 for bad arguments). EchoRequest is encoded by hand (test/echo-codec.js): no
// generated stubs needed.

const fs = require('node:fs');
const { parseArgs } = require('node:util');
const grpc = require('@grpc/grpc-js');
const { createSigner, signingInterceptor, envelopingService, HEADER } = require('../src');
const { encodeEchoRequest, decodeEchoResponse, ECHO_PATH, COLLECT_PATH } = require('./echo-codec');

const identity = (b) => b;
const method = (path, requestStream) => ({
  path, requestStream, responseStream: false, originalName: path.split('/')[2],
  requestSerialize: identity, requestDeserialize: identity,
  responseSerialize: identity, responseDeserialize: identity,
});
const SERVICE = { Echo: method(ECHO_PATH, false), Collect: method(COLLECT_PATH, true) };
const TAMPERING = ['alter', 'drop', 'reorder', 'truncate'];

/**
 * The wire messages of a version-2 call (the first bare, the envelopes, the end marker), changed
 * in transit. Each needs at least three messages (m0, e1, e2, end).
 */
function tamper(kind, wire) {
  const w = [...wire];
  switch (kind) {
    case 'alter': // the second message's payload changed, its MAC kept
      w[1] = Buffer.concat([w[1].subarray(0, 33), encodeEchoRequest('pay 1000000 EUR to mallory')]);
      return w;
    case 'drop': // the second message dropped
      w.splice(1, 1);
      return w;
    case 'reorder': // the second and third swapped
      [w[1], w[2]] = [w[2], w[1]];
      return w;
    case 'truncate': // the end marker dropped: the stream looks complete
      return w.slice(0, -1);
    default:
      throw new Error(`unknown tampering ${kind}`);
  }
}

function parse() {
  const { values: args } = parseArgs({
    options: {
      host: { type: 'string', default: 'localhost' },
      port: { type: 'string' },
      authority: { type: 'string' },
      'ca-file': { type: 'string' },
      'access-key': { type: 'string' },
      'secret-file': { type: 'string' },
      message: { type: 'string', multiple: true },
      collect: { type: 'boolean', default: false },
      tamper: { type: 'string' },
    },
  });
  for (const required of ['port', 'authority', 'ca-file', 'access-key', 'secret-file']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  args.message ??= ['hello from node'];
  if (args.tamper !== undefined) {
    if (!args.collect) throw new Error('--tamper needs --collect');
    if (!TAMPERING.includes(args.tamper)) throw new Error(`--tamper is one of ${TAMPERING.join(', ')}`);
    if (args.message.length < 3) throw new Error('--tamper needs at least three --message');
  }
  return args;
}

function main() {
  let args;
  try {
    args = parse();
  } catch (e) {
    console.error(`live-call: ${e.message}`);
    process.exit(2);
  }
  const signer = createSigner({
    accessKey: args['access-key'],
    secret: fs.readFileSync(args['secret-file'], 'utf8'), // trailing newline allowed
    signEveryMessage: args.collect,
  });
  const Client = grpc.makeGenericClientConstructor(envelopingService(SERVICE), 'EchoService');
  const interceptors = args.tamper ? [] : [signingInterceptor(signer, { authority: args.authority })];
  const client = new Client(`${args.host}:${args.port}`,
    grpc.credentials.createSsl(fs.readFileSync(args['ca-file'])), {
      'grpc.enable_retries': 0, // a retry would resend an accepted nonce
      interceptors,
    });
  let requestId = '-';
  const done = (err, reply) => {
    client.close();
    if (err) {
      const code = err.metadata?.get(HEADER.ERROR_CODE)[0] ?? '-';
      console.log(`FAILED ${grpc.status[err.code]} ${code} ${err.details}`);
      process.exitCode = 1;
      return;
    }
    const r = decodeEchoResponse(reply);
    const index = args.collect ? ` index=${r.index}` : ''; // Collect: how many messages the backend got
    console.log(`OK message=${r.message} backend=${r.backend}${index} request-id=${requestId}`);
  };
  const options = { deadline: Date.now() + 20_000 };
  const messages = args.message.map(encodeEchoRequest);
  let call;
  if (!args.collect) {
    call = client.Echo(messages[0], new grpc.Metadata(), options, done);
  } else if (!args.tamper) {
    call = client.Collect(new grpc.Metadata(), options, done);
    for (const m of messages) call.write(m);
    call.end();
  } else {
    // The library's own signature and envelopes, then changed in transit and sent as raw bytes.
    const signature = signer.sign({ path: COLLECT_PATH, authority: args.authority, body: messages[0] });
    const envelopes = signer.envelopes(signature);
    const wire = [messages[0], ...messages.slice(1).map((m) => envelopes.seal(m)), envelopes.end()];
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(signature.headers)) metadata.set(name, value);
    call = client.makeClientStreamRequest(COLLECT_PATH, identity, identity, metadata,
      { ...options, host: args.authority }, done);
    for (const m of tamper(args.tamper, wire)) call.write(m);
    call.end();
  }
  // Every call's request id (spec revision 2.1): in the response headers when the backend sent any.
  call.on('metadata', (headers) => { requestId = headers.get(HEADER.REQUEST_ID)[0] ?? '-'; });
}

main();
