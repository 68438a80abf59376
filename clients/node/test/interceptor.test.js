'use strict';
// The interceptor against a real grpc-js server in this process (plaintext on loopback): the
// server recomputes the signature from what it received, as the gateway does.

const test = require('node:test');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const { createSigner, signingInterceptor, sha256Hex, EMPTY_SHA256, HEADER } = require('../src');
const { encodeEchoRequest, ECHO_PATH, COLLECT_PATH } = require('./echo-codec');

const CHAT_PATH = '/keygate.demo.v1.EchoService/Chat';

const SECRET = 'lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M=';
const identity = (b) => b;

/** What the server saw of each call: authority, path, metadata, first message, signature ok. */
function startServer() {
  const seen = [];
  const check = (call, firstMessage) => {
    const md = call.metadata.getMap();
    const signedNames = String(md[HEADER.SIGNATURE_HEADERS]).split(',');
    const extra = {};
    for (const n of signedNames) {
      if (![HEADER.KEY, HEADER.TIMESTAMP, HEADER.NONCE, HEADER.CONTENT_SHA256].includes(n)) extra[n] = md[n];
    }
    const again = createSigner({ accessKey: md[HEADER.KEY], secret: SECRET, extraSignedHeaders: extra })
      .signAt({
        path: call.getPath(),
        authority: call.getHost(),
        contentSha256Hex: sha256Hex(firstMessage),
        timestampMs: md[HEADER.TIMESTAMP],
        nonce: md[HEADER.NONCE],
      });
    seen.push({
      authority: call.getHost(),
      path: call.getPath(),
      metadata: md,
      digestMatches: md[HEADER.CONTENT_SHA256] === sha256Hex(firstMessage),
      signatureMatches: again.signatureBase64 === md[HEADER.SIGNATURE],
      repeats: Object.keys(md).filter((n) => n.startsWith('x-ca-') && call.metadata.get(n).length !== 1),
    });
  };
  const server = new grpc.Server();
  server.addService({
    Echo: {
      path: ECHO_PATH, requestStream: false, responseStream: false,
      requestSerialize: identity, requestDeserialize: identity,
      responseSerialize: identity, responseDeserialize: identity,
    },
    Collect: {
      path: COLLECT_PATH, requestStream: true, responseStream: false,
      requestSerialize: identity, requestDeserialize: identity,
      responseSerialize: identity, responseDeserialize: identity,
    },
    Chat: {
      path: CHAT_PATH, requestStream: true, responseStream: true,
      requestSerialize: identity, requestDeserialize: identity,
      responseSerialize: identity, responseDeserialize: identity,
    },
  }, {
    Chat(call) {
      let first = true;
      call.on('data', (m) => {
        if (first) check(call, m);
        first = false;
        call.write(m);
      });
      call.on('end', () => {
        if (first) check(call, Buffer.alloc(0));
        call.end();
      });
    },
    Echo(call, callback) {
      check(call, call.request);
      callback(null, call.request);
    },
    Collect(call, callback) {
      const messages = [];
      call.on('data', (m) => messages.push(m));
      call.on('end', () => {
        check(call, messages[0] ?? Buffer.alloc(0));
        callback(null, Buffer.concat(messages));
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else resolve({ server, port, seen });
    });
  });
}

function client(port, interceptor) {
  const Client = grpc.makeGenericClientConstructor({}, 'EchoService');
  return new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { interceptors: [interceptor] });
}

const signer = createSigner({ accessKey: 'AKtest', secret: SECRET, extraSignedHeaders: { 'x-ca-stage': 'TEST' } });

test('a unary call carries the authority it signed and a signature over its message', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'API.Tenant-A.example:443' }));
  const md = new grpc.Metadata();
  md.set(HEADER.NONCE, 'a-stale-copy-that-must-be-replaced');
  const reply = await new Promise((resolve, reject) => c.makeUnaryRequest(
    ECHO_PATH, identity, identity, encodeEchoRequest('hello'), md, {},
    (err, r) => (err ? reject(err) : resolve(r))));
  assert.equal(reply.toString('hex'), encodeEchoRequest('hello').toString('hex'));
  const [s] = seen;
  assert.equal(s.authority, 'API.Tenant-A.example:443'); // sent as given; lower-cased only when signed
  assert.equal(s.path, ECHO_PATH);
  assert.ok(s.digestMatches && s.signatureMatches, JSON.stringify(s));
  assert.deepEqual(s.repeats, []);
  assert.equal(s.metadata[HEADER.SIGNATURE_METHOD], 'HmacSHA256');
  assert.equal(s.metadata['x-ca-stage'], 'TEST');
  c.close();
});

test('a per-call host is the authority sent and signed', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'default.example' }));
  await new Promise((resolve, reject) => c.makeUnaryRequest(
    ECHO_PATH, identity, identity, encodeEchoRequest('x'), new grpc.Metadata(), { host: 'other.example:8443' },
    (err, r) => (err ? reject(err) : resolve(r))));
  assert.equal(seen[0].authority, 'other.example:8443');
  assert.ok(seen[0].signatureMatches);
  c.close();
});

test('a client stream is signed over its first message only, sent after the headers wait', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'localhost' }));
  const reply = await new Promise((resolve, reject) => {
    const call = c.makeClientStreamRequest(COLLECT_PATH, identity, identity, new grpc.Metadata(), {},
      (err, r) => (err ? reject(err) : resolve(r)));
    setTimeout(() => { // the app takes its time: the call must not start without its first message
      call.write(encodeEchoRequest('first'));
      call.write(encodeEchoRequest('second'));
      call.end();
    }, 50);
  });
  assert.equal(reply.length, encodeEchoRequest('first').length * 2 + 1);
  assert.ok(seen[0].digestMatches && seen[0].signatureMatches, JSON.stringify(seen[0]));
  assert.equal(seen[0].metadata[HEADER.CONTENT_SHA256], sha256Hex(encodeEchoRequest('first')));
  c.close();
});

test('a client stream that half-closes at once is signed over zero bytes', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'localhost' }));
  await new Promise((resolve, reject) => {
    const call = c.makeClientStreamRequest(COLLECT_PATH, identity, identity, new grpc.Metadata(), {},
      (err, r) => (err ? reject(err) : resolve(r)));
    call.end();
  });
  assert.equal(seen[0].metadata[HEADER.CONTENT_SHA256], EMPTY_SHA256);
  assert.ok(seen[0].signatureMatches);
  c.close();
});

test('a bidi stream reads only after its first message started it, and is signed over it', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'localhost' }));
  const call = c.makeBidiStreamRequest(CHAT_PATH, identity, identity, new grpc.Metadata(), {});
  const received = [];
  const done = new Promise((resolve, reject) => {
    call.on('data', (m) => received.push(m.toString('hex')));
    call.on('error', reject);
    call.on('end', resolve);
  });
  setTimeout(() => {
    call.write(encodeEchoRequest('one'));
    call.write(encodeEchoRequest('two'));
    call.end();
  }, 50);
  await done;
  assert.deepEqual(received, [encodeEchoRequest('one').toString('hex'), encodeEchoRequest('two').toString('hex')]);
  assert.equal(seen[0].metadata[HEADER.CONTENT_SHA256], sha256Hex(encodeEchoRequest('one')));
  assert.ok(seen[0].signatureMatches);
  c.close();
});

test('a call that cannot be signed fails with INTERNAL and never reaches the server', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'has space' }));
  const err = await new Promise((resolve) => c.makeUnaryRequest(
    ECHO_PATH, identity, identity, encodeEchoRequest('x'), new grpc.Metadata(), {}, (e) => resolve(e)));
  assert.equal(err.code, grpc.status.INTERNAL);
  assert.match(err.details, /authority/);
  assert.equal(seen.length, 0);
  c.close();
});

test('a call cancelled before its first message ends CANCELLED', async (t) => {
  const { server, port, seen } = await startServer();
  t.after(() => server.forceShutdown());
  const c = client(port, signingInterceptor(signer, { authority: 'localhost' }));
  const err = await new Promise((resolve) => {
    const call = c.makeClientStreamRequest(COLLECT_PATH, identity, identity, new grpc.Metadata(), {},
      (e) => resolve(e));
    call.cancel();
  });
  assert.equal(err.code, grpc.status.CANCELLED);
  assert.equal(seen.length, 0);
  c.close();
});
