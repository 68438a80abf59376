'use strict';
// Walks every case of the shared version-2 message vectors (xca-messages-v2.json, made by an
// independent Python script) and collects all failures before asserting.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { createSigner, sha256Hex, HEADER } = require('../src');
const { verifyChain } = require('./message-chain');

// Read from where the project keeps them, never copied: the vectors have one home.
const VECTORS = path.join(__dirname, '..', '..', '..',
  'client-sdk', 'src', 'test', 'resources', 'vectors', 'xca-messages-v2.json');
const vectors = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
const hex = (list) => list.map((h) => Buffer.from(h, 'hex'));

test('a version-2 signer reproduces the call signatures of the message vectors', () => {
  const failures = [];
  const secret = vectors.cases[0].secret_base64;
  const signer = createSigner({ accessKey: vectors.access_key, secret, signEveryMessage: true });
  for (const call of vectors.calls) {
    const s = signer.signAt({
      path: vectors.path,
      authority: vectors.authority,
      contentSha256Hex: sha256Hex(Buffer.from(call.first_message_hex, 'hex')),
      timestampMs: vectors.timestamp_ms,
      nonce: call.nonce,
    });
    if (s.stringToSign !== call.string_to_sign) failures.push(`${call.nonce}: string-to-sign differs`);
    if (s.signatureBase64 !== call.signature_base64) failures.push(`${call.nonce}: signature differs`);
    if (s.headers[HEADER.SIGNATURE_HEADERS] !== call.signature_headers) failures.push(`${call.nonce}: names differ`);
    if (s.headers[HEADER.SIGNATURE_VERSION] !== '2') failures.push(`${call.nonce}: no version header`);
  }
  assert.deepEqual(failures, []);
  assert.equal(vectors.calls.length, 2);
});

test('a version-2 signer seals every case\'s payloads into its envelopes and end marker', () => {
  const failures = [];
  for (const c of vectors.cases) {
    const signer = createSigner({ accessKey: vectors.access_key, secret: c.secret_base64, signEveryMessage: true });
    const envelopes = signer.envelopes({ signatureVersion: 2, signatureBase64: c.call_signature_base64 });
    const made = hex(c.payloads_hex).map((p) => envelopes.seal(p).toString('hex'));
    made.push(envelopes.end().toString('hex'));
    if (JSON.stringify(made) !== JSON.stringify(c.envelopes_hex)) failures.push(`${c.id}: envelopes differ`);
    assert.throws(() => envelopes.seal(Buffer.alloc(1)), /nothing after it/);
  }
  assert.deepEqual(failures, []);
  assert.equal(vectors.cases.length, 21);
});

test('what the client sends passes a verifier written from section 13.4, and every attack is refused', () => {
  const failures = [];
  for (const c of vectors.cases) {
    const secret = Buffer.from(c.secret_base64, 'base64');
    const r = verifyChain(secret, c.call_signature_base64, hex(c.received_hex), c.half_close);
    if (r.expected !== c.expected) failures.push(`${c.id}: ${r.expected}, expected ${c.expected}`);
    if (r.refusedAt !== c.refused_at) failures.push(`${c.id}: refused at ${r.refusedAt}, expected ${c.refused_at}`);
    if (JSON.stringify(r.forwarded.map((b) => b.toString('hex'))) !== JSON.stringify(c.forwarded_hex)) {
      failures.push(`${c.id}: forwarded differs`);
    }
    // The client's own envelopes always pass.
    if (verifyChain(secret, c.call_signature_base64, hex(c.envelopes_hex), true).expected !== 'valid') {
      failures.push(`${c.id}: the conforming envelopes are refused`);
    }
  }
  assert.deepEqual(failures, []);
});

test('envelopes are only for a version-2 call', () => {
  const v1 = createSigner({ accessKey: 'AK1', secret: Buffer.alloc(32, 1) });
  const s = v1.sign({ path: '/p.S/M', authority: 'h' });
  assert.equal(s.signatureVersion, 1);
  assert.equal(s.headers[HEADER.SIGNATURE_VERSION], undefined);
  assert.throws(() => v1.envelopes(s), /signEveryMessage/);
  assert.throws(() => createSigner({ accessKey: 'AK1', secret: Buffer.alloc(32, 1),
    extraSignedHeaders: { 'x-ca-signature-version': '2' } }), /reserved/);
});
