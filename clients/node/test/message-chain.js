'use strict';
// A verifier of version-2 message chains written from docs/signature-spec.md section 13.4, for
// the tests: it checks what the client sends the way the gateway does (in software here).

const crypto = require('node:crypto');
const { KIND, macInput } = require('../src/envelopes');

/**
 * Checks the later messages of one call that sent its first message, in arrival order, then
 * the half-close. (A call that sent no message at all has no chain to check.)
 *
 * @param {Buffer} secret the AccessSecret's bytes
 * @param {string} signatureBase64 the call's x-ca-signature
 * @param {Buffer[]} received the messages after the first
 * @param {boolean} halfClose whether the client half-closed after them
 * @returns {{expected: string, refusedAt?: number, forwarded: Buffer[]}}
 */
function verifyChain(secret, signatureBase64, received, halfClose) {
  const callSignature = Buffer.from(signatureBase64, 'base64');
  const forwarded = [];
  let ended = false;
  for (let i = 0; i < received.length; i++) {
    const m = received[i];
    const kind = m[0];
    if (ended || m.length < 33 || (kind !== KIND.MESSAGE && kind !== KIND.END)
        || (kind === KIND.END && m.length !== 33)) {
      return { expected: 'MalformedMessageEnvelope', refusedAt: i, forwarded };
    }
    const payload = m.subarray(33);
    const mac = crypto.createHmac('sha256', secret)
      .update(macInput(callSignature, kind, BigInt(i + 1), payload)).digest();
    if (!crypto.timingSafeEqual(mac, m.subarray(1, 33))) {
      return { expected: 'InvalidMessageSignature', refusedAt: i, forwarded };
    }
    if (kind === KIND.END) ended = true;
    else forwarded.push(Buffer.from(payload));
  }
  if (halfClose && !ended) {
    return { expected: 'StreamTruncated', refusedAt: received.length, forwarded };
  }
  return { expected: 'valid', forwarded };
}

module.exports = { verifyChain };
