'use strict';
// X-Ca HmacSHA256 signatures for gRPC calls, byte for byte as docs/signature-spec.md says.
// No gRPC types here: the interceptor (interceptor.js) only adapts this to @grpc/grpc-js.

const crypto = require('node:crypto');
const { createEnvelopes } = require('./envelopes');

const HEADER = Object.freeze({
  KEY: 'x-ca-key',
  TIMESTAMP: 'x-ca-timestamp',
  NONCE: 'x-ca-nonce',
  CONTENT_SHA256: 'x-ca-content-sha256',
  SIGNATURE_METHOD: 'x-ca-signature-method',
  SIGNATURE_HEADERS: 'x-ca-signature-headers',
  SIGNATURE: 'x-ca-signature',
  /** Signed with the value `2` on a version-2 call (spec section 13); absent on version 1. */
  SIGNATURE_VERSION: 'x-ca-signature-version',
  /** The trailer in which the gateway returns its stable failure code. */
  ERROR_CODE: 'x-keygate-error-code',
  REQUEST_ID: 'x-keygate-request-id',
});
const HMAC_SHA256 = 'HmacSHA256';
const ALWAYS_SIGNED = [HEADER.CONTENT_SHA256, HEADER.KEY, HEADER.NONCE, HEADER.TIMESTAMP];
const RESERVED = new Set([
  HEADER.KEY, HEADER.TIMESTAMP, HEADER.NONCE, HEADER.CONTENT_SHA256,
  HEADER.SIGNATURE, HEADER.SIGNATURE_METHOD, HEADER.SIGNATURE_HEADERS, HEADER.SIGNATURE_VERSION,
]);
const MAX_SIGNED_HEADERS = 16;
const MAX_VALUE_LENGTH = 512;
/** The gateway's HSM refuses HMAC keys shorter than this. */
const MIN_SECRET_LENGTH = 32;

const PATH = /^\/[\x21-\x7E]{1,511}$/;
const AUTHORITY = /^[\x21-\x7E]{1,512}$/;
const TIMESTAMP = /^[1-9][0-9]{0,15}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const EXTRA_NAME = /^x-ca-[a-z0-9-]{1,59}$/;
const PRINTABLE = /^[\x20-\x7E]*$/;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** SHA-256 of the empty string: the digest of a call that half-closes without a message. */
const EMPTY_SHA256 = crypto.createHash('sha256').update(Buffer.alloc(0)).digest('hex');

function require_(ok, message) {
  if (!ok) {
    throw new RangeError(message);
  }
}

/** 1 to 512 printable ASCII characters, no leading or trailing space (spec section 2). */
function isValidValue(value) {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_VALUE_LENGTH
    && PRINTABLE.test(value) && value[0] !== ' ' && value[value.length - 1] !== ' ';
}

/** Whether `name` may be signed as an extra header (`x-ca-stage`, ...). */
function isSignableExtraName(name) {
  // "-bin" names are binary metadata in gRPC: their values are not ASCII and cannot be signed.
  return EXTRA_NAME.test(name) && !name.endsWith('-bin') && !RESERVED.has(name);
}

/** Lower-case hex SHA-256 of a message's serialized bytes (without the 5-byte gRPC prefix). */
function sha256Hex(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * The string-to-sign (spec section 4): POST, the lower-cased authority, the digest, one
 * `name:value` line per signed header sorted by name in byte order, the path; LF between lines,
 * none at the end.
 *
 * @param {object} p
 * @param {string} p.path the gRPC path, `/package.Service/Method`
 * @param {string} p.authority the `:authority` as sent (`host[:port]`)
 * @param {string} p.contentSha256Hex lower-case hex SHA-256 of the first message
 * @param {Record<string, string>} p.signedHeaders every signed header, the required four included
 * @returns {string}
 */
function stringToSign({ path, authority, contentSha256Hex, signedHeaders }) {
  require_(typeof path === 'string' && PATH.test(path),
    'path must be /package.Service/Method in printable ASCII');
  require_(typeof authority === 'string' && AUTHORITY.test(authority),
    'authority must be 1-512 printable ASCII characters without spaces');
  require_(SHA256_HEX.test(contentSha256Hex), 'content digest must be 64 lower-case hex digits');
  const names = Object.keys(signedHeaders);
  require_(ALWAYS_SIGNED.every((n) => names.includes(n)),
    `signed headers must include ${ALWAYS_SIGNED.join(', ')}`);
  require_(names.length <= MAX_SIGNED_HEADERS, `at most ${MAX_SIGNED_HEADERS} headers can be signed`);
  require_(signedHeaders[HEADER.CONTENT_SHA256] === contentSha256Hex,
    `${HEADER.CONTENT_SHA256} must carry the content digest`);
  for (const name of names) {
    require_(ALWAYS_SIGNED.includes(name) || isSignableExtraName(name)
      || (name === HEADER.SIGNATURE_VERSION && signedHeaders[name] === '2'), `cannot sign header ${name}`);
    require_(isValidValue(signedHeaders[name]),
      `value of ${name} must be 1-512 printable ASCII characters, no surrounding spaces`);
  }
  // Names are ASCII, so UTF-16 code unit order (the default sort) is byte order.
  const lines = ['POST', asciiLowerCase(authority), contentSha256Hex];
  for (const name of [...names].sort()) {
    lines.push(`${name}:${signedHeaders[name]}`);
  }
  lines.push(path);
  return lines.join('\n');
}

/** A-Z to a-z and nothing else (String#toLowerCase is the same on ASCII; said here to be sure). */
function asciiLowerCase(s) {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * Turns the AccessSecret as handed out (standard base64, possibly with the trailing newline of
 * the file it was kept in) or as bytes into a KeyObject, which never prints its bytes.
 *
 * @param {string | Uint8Array | crypto.KeyObject} secret
 * @returns {crypto.KeyObject}
 */
function accessSecret(secret) {
  if (secret instanceof crypto.KeyObject) {
    require_(secret.type === 'secret' && secret.symmetricKeySize >= MIN_SECRET_LENGTH,
      `an AccessSecret has at least ${MIN_SECRET_LENGTH} bytes`);
    return secret;
  }
  let bytes;
  if (typeof secret === 'string') {
    const text = secret.trim();
    // Buffer.from(s, 'base64') skips what it does not understand: check the form first.
    // The message must not quote the input.
    require_(STANDARD_BASE64.test(text), 'AccessSecret is not valid standard base64');
    bytes = Buffer.from(text, 'base64');
  } else if (secret instanceof Uint8Array) {
    bytes = Buffer.from(secret);
  } else {
    throw new TypeError('AccessSecret must be a base64 string, bytes or a secret KeyObject');
  }
  try {
    require_(bytes.length >= MIN_SECRET_LENGTH, `an AccessSecret has at least ${MIN_SECRET_LENGTH} bytes`);
    return crypto.createSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

function defaultNonce() {
  return crypto.randomBytes(16).toString('base64url'); // 128 bits: 22 characters, no padding
}

function timestampString(t) {
  if (typeof t === 'number' || typeof t === 'bigint') {
    require_(Number.isSafeInteger(Number(t)) && t > 0, 'timestamp must be positive integer milliseconds');
    t = String(t);
  }
  require_(typeof t === 'string' && TIMESTAMP.test(t),
    'timestamp must be 1-16 digits of milliseconds since the epoch, no leading zero');
  return t;
}

/**
 * @typedef {object} Signature
 * @property {Record<string, string>} headers the metadata to send, in the order to send it
 * @property {string} stringToSign this client's string-to-sign (to debug an InvalidSignature:
 *   the gateway never returns its own)
 * @property {string} signatureBase64 the value of `x-ca-signature`
 * @property {1 | 2} signatureVersion 2: later messages go in envelopes (`signer.envelopes`)
 */

/**
 * @typedef {object} Signer
 * @property {string} accessKey
 * @property {1 | 2} signatureVersion the version its calls are signed with unless a call says
 *   `signatureVersion: 1` (a version-2 signer can sign a call with version 1, not the reverse)
 * @property {(p: {path: string, authority: string, body?: Uint8Array}) => Signature} sign
 *   signs with the clock's time and a fresh nonce
 * @property {(p: {path: string, authority: string, contentSha256Hex: string}) => Signature} signDigest
 *   the same, given the first message's digest instead of its bytes
 * @property {(p: {path: string, authority: string, contentSha256Hex: string,
 *   timestampMs: number | string, nonce: string}) => Signature} signAt
 *   with a fixed time and nonce: only for tests and vectors, a real call needs a fresh nonce
 * @property {(signature: Signature) => import('./envelopes').Envelopes} envelopes
 *   the envelopes of a version-2 call's later messages and its end marker, in sending order
 */

/**
 * Creates a signer for one AccessKey. Time and randomness are injected so tests can fix them.
 *
 * @param {object} options
 * @param {string} options.accessKey
 * @param {string | Uint8Array | crypto.KeyObject} options.secret the AccessSecret: standard base64
 *   as the security officer handed it out, or its bytes (at least 32)
 * @param {() => number} [options.clock] milliseconds since the epoch; default `Date.now`
 * @param {() => string} [options.nonce] a fresh `[A-Za-z0-9_-]{16,64}` per call; default 16
 *   random bytes from the CSPRNG as unpadded base64url
 * @param {Record<string, string>} [options.extraSignedHeaders] extra `x-ca-*` headers sent and
 *   signed on every call (e.g. `x-ca-stage`); the gateway acts only on signed ones
 * @param {boolean} [options.signEveryMessage] signature version 2 (spec section 13): sign
 *   `x-ca-signature-version: 2`, and seal every request message after the first with
 *   `envelopes(signature)`; only for a gateway of spec revision 2.0 or later. Default false
 * @returns {Signer}
 */
function createSigner({
  accessKey, secret, clock = Date.now, nonce = defaultNonce, extraSignedHeaders = {}, signEveryMessage = false,
}) {
  require_(isValidValue(accessKey), 'AccessKey must be 1-512 printable ASCII characters');
  require_(typeof signEveryMessage === 'boolean', 'signEveryMessage is true or false');
  const signatureVersion = signEveryMessage ? 2 : 1;
  const extras = { ...extraSignedHeaders };
  for (const [name, value] of Object.entries(extras)) {
    require_(isSignableExtraName(name),
      `extra signed headers are named x-ca-[a-z0-9-]+, not -bin, not a reserved x-ca name: ${name}`);
    require_(isValidValue(value), `value of ${name} must be 1-512 printable ASCII characters, no surrounding spaces`);
  }
  // The version header, when signed, takes one of the 16 places (spec section 2).
  const maxExtras = MAX_SIGNED_HEADERS - ALWAYS_SIGNED.length - (signatureVersion === 2 ? 1 : 0);
  require_(Object.keys(extras).length <= maxExtras, `at most ${maxExtras} extra headers can be signed`);
  const key = accessSecret(secret);

  function signAt({ path, authority, contentSha256Hex, timestampMs, nonce: n, signatureVersion: version = signatureVersion }) {
    require_(version === 1 || (version === 2 && signatureVersion === 2),
      'a call is signed with version 1, or version 2 by a signer made with signEveryMessage: true');
    const timestamp = timestampString(timestampMs);
    require_(typeof n === 'string' && NONCE.test(n), 'nonce must be 16-64 characters of A-Z a-z 0-9 - _');
    const signed = {
      ...extras,
      ...(version === 2 ? { [HEADER.SIGNATURE_VERSION]: '2' } : {}),
      [HEADER.KEY]: accessKey,
      [HEADER.TIMESTAMP]: timestamp,
      [HEADER.NONCE]: n,
      [HEADER.CONTENT_SHA256]: contentSha256Hex,
    };
    const sts = stringToSign({ path, authority, contentSha256Hex, signedHeaders: signed });
    const signatureBase64 = crypto.createHmac('sha256', key).update(sts, 'utf8').digest('base64');
    const headers = {
      [HEADER.KEY]: accessKey,
      [HEADER.TIMESTAMP]: timestamp,
      [HEADER.NONCE]: n,
      [HEADER.CONTENT_SHA256]: contentSha256Hex,
    };
    for (const name of Object.keys(extras).sort()) {
      headers[name] = extras[name];
    }
    if (version === 2) {
      headers[HEADER.SIGNATURE_VERSION] = '2';
    }
    headers[HEADER.SIGNATURE_METHOD] = HMAC_SHA256;
    headers[HEADER.SIGNATURE_HEADERS] = Object.keys(signed).sort().join(',');
    // The list is a header value too (spec section 2): long extra names can push it past 512.
    require_(isValidValue(headers[HEADER.SIGNATURE_HEADERS]),
      `${HEADER.SIGNATURE_HEADERS} would be longer than ${MAX_VALUE_LENGTH} characters: sign fewer or shorter names`);
    headers[HEADER.SIGNATURE] = signatureBase64;
    return { headers, stringToSign: sts, signatureBase64, signatureVersion: version };
  }

  function signDigest({ path, authority, contentSha256Hex, signatureVersion: version }) {
    return signAt({ path, authority, contentSha256Hex, timestampMs: clock(), nonce: nonce(), signatureVersion: version });
  }

  function sign({ path, authority, body = new Uint8Array(0), signatureVersion: version }) {
    return signDigest({ path, authority, contentSha256Hex: sha256Hex(body), signatureVersion: version });
  }

  function envelopes(signature) {
    require_(signature?.signatureVersion === 2,
      'envelopes are for a version-2 call: create the signer with signEveryMessage: true');
    return createEnvelopes(key, signature.signatureBase64);
  }

  return Object.freeze({
    accessKey,
    signatureVersion,
    sign,
    signDigest,
    signAt,
    envelopes,
    toString: () => `Signer[accessKey=${accessKey}, version=${signatureVersion}]`,
  });
}

module.exports = {
  HEADER,
  HMAC_SHA256,
  EMPTY_SHA256,
  createSigner,
  stringToSign,
  sha256Hex,
  isValidValue,
  isSignableExtraName,
};
