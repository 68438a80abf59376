'use strict';
// Walks every case of the shared X-Ca vectors (made by an independent Python script) and collects
// all failures before asserting, so one run shows every disagreement.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { createSigner, sha256Hex, HEADER } = require('../src');

// Read from where the project keeps them, never copied: the vectors have one home.
const VECTORS = path.join(__dirname, '..', '..', '..',
  'client-sdk', 'src', 'test', 'resources', 'vectors', 'xca-signature-v1.json');

function sign(c) {
  const signer = createSigner({
    accessKey: c.access_key,
    secret: c.secret_base64,
    extraSignedHeaders: c.extra_signed_headers,
  });
  return signer.signAt({
    path: c.path,
    authority: c.authority,
    contentSha256Hex: sha256Hex(Buffer.from(c.body_hex, 'hex')),
    timestampMs: c.timestamp_ms,
    nonce: c.nonce,
  });
}

const names = (list) => new Set(list.split(','));
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

function checkConforming(c, produced, failures) {
  if (produced.stringToSign !== c.string_to_sign) {
    failures.push(`${c.id}: string-to-sign differs:\n${produced.stringToSign}`);
  }
  if (produced.signatureBase64 !== c.signature_base64) {
    failures.push(`${c.id}: signature ${produced.signatureBase64}`);
  }
  if (produced.headers[HEADER.CONTENT_SHA256] !== c.content_sha256) {
    failures.push(`${c.id}: content digest differs`);
  }
  if (!sameSet(names(produced.headers[HEADER.SIGNATURE_HEADERS]), names(c.signature_headers))) {
    failures.push(`${c.id}: signed header names differ`);
  }
  if (c.expected === 'valid') {
    // What we would send is what the valid request carries (the list's order may differ).
    const sent = new Map();
    for (const [name, value] of c.request.metadata) {
      if (!sent.has(name)) sent.set(name, value);
    }
    for (const [name, value] of Object.entries(produced.headers)) {
      const same = name === HEADER.SIGNATURE_HEADERS
        ? sameSet(names(value), names(sent.get(name) ?? ''))
        : value === sent.get(name);
      if (!same) failures.push(`${c.id}: header ${name} differs from the vector's metadata`);
    }
  }
}

test('sign reproduces every conforming vector and no non-conforming one', () => {
  const { cases } = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
  const failures = [];
  let conforming = 0;
  let nonConforming = 0;
  for (const c of cases) {
    let produced = null;
    try {
      produced = sign(c);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // the signer refused the inputs
    }
    if (c.conforming_signer) {
      conforming++;
      if (produced === null) failures.push(`${c.id}: signer refused conforming inputs`);
      else checkConforming(c, produced, failures);
    } else {
      nonConforming++;
      if (produced !== null
          && produced.stringToSign === c.string_to_sign
          && produced.signatureBase64 === c.signature_base64
          && produced.headers[HEADER.SIGNATURE_HEADERS] === c.signature_headers) {
        failures.push(`${c.id}: signer reproduced a request that breaks the spec`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(conforming >= 40, `only ${conforming} conforming cases`);
  assert.ok(nonConforming >= 20, `only ${nonConforming} non-conforming cases`);
});

test('sign uses the clock and a fresh nonce per call', () => {
  let t = 1764547198500;
  const signer = createSigner({
    accessKey: 'AKvector0000000001',
    secret: 'lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M=\n', // as read from a file
    clock: () => t++,
  });
  const a = signer.sign({ path: '/p.S/M', authority: 'Host:1', body: Buffer.from('x') });
  const b = signer.sign({ path: '/p.S/M', authority: 'Host:1', body: Buffer.from('x') });
  assert.equal(a.headers[HEADER.TIMESTAMP], '1764547198500');
  assert.equal(b.headers[HEADER.TIMESTAMP], '1764547198501');
  assert.match(a.headers[HEADER.NONCE], /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a.headers[HEADER.NONCE], b.headers[HEADER.NONCE]);
  assert.ok(a.stringToSign.startsWith('POST\nhost:1\n'));
});

test('createSigner refuses a short or malformed secret without quoting it', () => {
  assert.throws(() => createSigner({ accessKey: 'AK', secret: Buffer.alloc(31) }), /at least 32 bytes/);
  assert.throws(() => createSigner({ accessKey: 'AK', secret: 'not*base64*secretvalue' }),
    (e) => e instanceof RangeError && !e.message.includes('secretvalue'));
});

test('the signer does not print its secret', () => {
  const secret = 'lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M=';
  const signer = createSigner({ accessKey: 'AK1', secret });
  const shown = `${signer} ${require('node:util').inspect(signer, { depth: 5 })} ${JSON.stringify(signer)}`;
  assert.ok(!shown.includes(secret) && !shown.includes('95aa7390'), shown);
});

test('a signer refuses extra names whose list would pass the 512-character value limit', () => {
  const extras = {};
  for (let i = 0; i < 12; i++) extras[`x-ca-${String(i).padStart(2, '0')}${'n'.repeat(52)}`] = 'v';
  const signer = createSigner({ accessKey: 'AK1', secret: Buffer.alloc(32, 1), extraSignedHeaders: extras });
  assert.throws(() => signer.sign({ path: '/p.S/M', authority: 'h' }), /longer than 512/);
});
