'use strict';
// Signature version 2 through the interceptor, against a real grpc-js server in this process that
// checks what arrives as the gateway does: the call signature over the first message (with
// x-ca-signature-version signed), then every later message's envelope and the end marker.

const test = require('node:test');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const {
  createSigner, signingInterceptor, envelopingService, sha256Hex, EMPTY_SHA256, HEADER,
} = require('../src');
const { verifyChain } = require('./message-chain');
const { encodeEchoRequest, ECHO_PATH, COLLECT_PATH } = require('./echo-codec');

const CHAT_PATH = '/keygate.demo.v1.EchoService/Chat';
const SECRET = 'lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M=';
const identity = (b) => b;
const method = (path, requestStream, responseStream) => ({
  path, requestStream, responseStream, originalName: path.split('/')[2],
  requestSerialize: identity, requestDeserialize: identity,
  responseSerialize: identity, responseDeserialize: identity,
});
/** The application's view: Echo is unary. */
const SERVICE = {
  Echo: method(ECHO_PATH, false, false),
  Collect: method(COLLECT_PATH, true, false),
  Chat: method(CHAT_PATH, true, true),
};

/** A server that takes every method as a stream (as the gateway does) and records each call. */
function startServer() {
  const seen = [];
  const record = (call, messages) => {
    const md = call.metadata.getMap();
    const first = messages[0] ?? Buffer.alloc(0);
    const v2 = md[HEADER.SIGNATURE_VERSION] === '2';
    const again = createSigner({ accessKey: md[HEADER.KEY], secret: SECRET, signEveryMessage: true }).signAt({
      path: call.getPath(), authority: call.getHost(), contentSha256Hex: sha256Hex(first),
      timestampMs: md[HEADER.TIMESTAMP], nonce: md[HEADER.NONCE], signatureVersion: v2 ? 2 : 1,
    });
    const chain = messages.length === 0 || !v2 ? { expected: v2 ? 'valid' : 'v1', forwarded: messages.slice(1) }
      : verifyChain(Buffer.from(SECRET, 'base64'), md[HEADER.SIGNATURE], messages.slice(1), true);
    seen.push({
      metadata: md,
      signatureMatches: again.signatureBase64 === md[HEADER.SIGNATURE],
      chain: chain.expected,
      delivered: [first, ...chain.forwarded].slice(0, messages.length).map((b) => b.toString('hex')),
      sent: messages.length,
    });
  };
  const collectAll = (call, done) => {
    const messages = [];
    call.on('data', (m) => messages.push(m));
    call.on('end', () => {
      record(call, messages);
      done(messages);
    });
  };
  const server = new grpc.Server();
  server.addService({
    Echo: method(ECHO_PATH, true, false),
    Collect: method(COLLECT_PATH, true, false),
    Chat: method(CHAT_PATH, true, true),
  }, {
    Echo: (call, callback) => collectAll(call, (m) => callback(null, m[0] ?? Buffer.alloc(0))),
    Collect: (call, callback) => collectAll(call, () => callback(null, Buffer.from('ok'))),
    Chat: (call) => collectAll(call, () => call.end()),
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else resolve({ server, port, seen });
    });
  });
}

const signer = createSigner({ accessKey: 'AKtest', secret: SECRET, signEveryMessage: true });

function client(port, service = envelopingService(SERVICE)) {
  const Client = grpc.makeGenericClientConstructor(service, 'EchoService');
  return new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    interceptors: [signingInterceptor(signer, { authority: 'localhost' })],
  });
}

const hexOf = (...texts) => texts.map((t) => encodeEchoRequest(t).toString('hex'));

test('v2: a client stream sends its first message bare, the rest in envelopes, then the end marker', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port);
  await new Promise((resolve, reject) => {
    const call = c.Collect((err, r) => (err ? reject(err) : resolve(r)));
    for (const text of ['pay/0', 'pay/1', 'pay/2']) call.write(encodeEchoRequest(text));
    call.end();
  });
  const [s] = seen;
  assert.equal(s.metadata[HEADER.SIGNATURE_VERSION], '2');
  assert.ok(s.metadata[HEADER.SIGNATURE_HEADERS].split(',').includes(HEADER.SIGNATURE_VERSION));
  assert.ok(s.signatureMatches);
  assert.equal(s.chain, 'valid');
  assert.equal(s.sent, 4); // three messages and the end marker
  assert.deepEqual(s.delivered, hexOf('pay/0', 'pay/1', 'pay/2'));
  c.close();
});

test('v2: a bidi stream is chained the same way; a unary call stays version 1', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port);
  const chat = c.Chat();
  const done = new Promise((resolve, reject) => { chat.on('error', reject); chat.on('end', resolve); chat.resume(); });
  chat.write(encodeEchoRequest('chat/0'));
  chat.write(encodeEchoRequest('chat/1'));
  chat.end();
  await done;
  const reply = await new Promise((resolve, reject) =>
    c.Echo(encodeEchoRequest('unary/0'), (err, r) => (err ? reject(err) : resolve(r))));
  assert.equal(reply.toString('hex'), hexOf('unary/0')[0]);
  assert.deepEqual(seen.map((s) => [s.chain, s.sent, s.signatureMatches]), [['valid', 3, true], ['v1', 1, true]]);
  assert.deepEqual(seen[0].delivered, hexOf('chat/0', 'chat/1'));
  assert.equal(seen[0].metadata[HEADER.SIGNATURE_VERSION], '2');
  assert.equal(seen[1].metadata[HEADER.SIGNATURE_VERSION], undefined); // v1: its one message is signed
  assert.equal(seen[1].metadata[HEADER.CONTENT_SHA256], sha256Hex(encodeEchoRequest('unary/0')));
  c.close();
});

test('v2: a stream that half-closes at once sends no end marker and signs zero bytes', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port);
  await new Promise((resolve, reject) => c.Collect((err, r) => (err ? reject(err) : resolve(r))).end());
  assert.equal(seen[0].sent, 0);
  assert.equal(seen[0].metadata[HEADER.CONTENT_SHA256], EMPTY_SHA256);
  assert.ok(seen[0].signatureMatches);
  c.close();
});

test('v2: the first message is hashed and sent as the same bytes, even from a serializer that varies', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  let calls = 0;
  // A serializer that never gives the same bytes twice: v1 would be refused BodyDigestMismatch.
  const varying = (m) => Buffer.concat([m, Buffer.from([calls++])]);
  const c = client(port, envelopingService({ Collect: { ...SERVICE.Collect, requestSerialize: varying } }));
  await new Promise((resolve, reject) => {
    const call = c.Collect((err, r) => (err ? reject(err) : resolve(r)));
    call.write(encodeEchoRequest('a'));
    call.write(encodeEchoRequest('b'));
    call.end();
  });
  assert.equal(calls, 2); // once per message
  assert.ok(seen[0].signatureMatches);
  assert.equal(seen[0].chain, 'valid');
  c.close();
});

test('v2: a client not built from envelopingService fails INTERNAL and sends nothing', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, SERVICE);
  const err = await new Promise((resolve) => {
    const call = c.Collect((e) => resolve(e));
    call.write(encodeEchoRequest('x'));
    call.end();
  });
  assert.equal(err.code, grpc.status.INTERNAL);
  assert.match(err.details, /envelopingService/);
  assert.equal(seen.length, 0);
  c.close();
});

test('a v1 signer through an enveloping client sends plain messages and no version header', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const Client = grpc.makeGenericClientConstructor(envelopingService(SERVICE), 'EchoService');
  const c = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    interceptors: [signingInterceptor(createSigner({ accessKey: 'AKtest', secret: SECRET }), { authority: 'localhost' })],
  });
  await new Promise((resolve, reject) => {
    const call = c.Collect((err, r) => (err ? reject(err) : resolve(r)));
    call.write(encodeEchoRequest('a'));
    call.write(encodeEchoRequest('b'));
    call.end();
  });
  assert.equal(seen[0].metadata[HEADER.SIGNATURE_VERSION], undefined);
  assert.equal(seen[0].sent, 2);
  assert.equal(seen[0].chain, 'v1');
  assert.deepEqual(seen[0].delivered, hexOf('a', 'b')); // bare, as version 1 sends them
  c.close();
});
