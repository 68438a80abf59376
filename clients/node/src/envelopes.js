'use strict';
// Signature version 2 (docs/signature-spec.md, section 13): every request message after the first
// is sent as kind (1 byte) || mac (32 bytes) || payload, the MAC chained to the call's signature
// and the message's place; an end marker (kind 2, no payload) closes the stream. No gRPC here.

const crypto = require('node:crypto');

const KIND = Object.freeze({ MESSAGE: 0x01, END: 0x02 });
/** "keygate-msg-v2" and LF: the first 15 bytes of every MAC input. */
const LABEL = Buffer.from('keygate-msg-v2\n', 'ascii');
const MAC_LENGTH = 32;
/** kind + MAC: the bytes an envelope adds in front of its payload. */
const ENVELOPE_OVERHEAD = 1 + MAC_LENGTH;

/**
 * The 88 bytes the MAC of section 13.3 is computed over.
 *
 * @param {Buffer} callSignature the 32 bytes whose base64 is the call's `x-ca-signature`
 * @param {number} kind KIND.MESSAGE or KIND.END
 * @param {bigint} n the place, from 1
 * @param {Uint8Array} payload the message's serialized bytes (none for the end marker)
 */
function macInput(callSignature, kind, n, payload) {
  const place = Buffer.alloc(8);
  place.writeBigUInt64BE(n);
  const digest = crypto.createHash('sha256').update(payload).digest();
  return Buffer.concat([LABEL, callSignature, Buffer.from([kind]), place, digest]);
}

/**
 * @typedef {object} Envelopes
 * @property {(payload: Uint8Array) => Buffer} seal the envelope of the next message
 * @property {() => Buffer} end the end marker, at the next place; nothing may be sealed after it
 */

/**
 * The envelopes of one version-2 call, in the order they are sent. Not for concurrent use: the
 * place counts up with every envelope made, so make them in sending order.
 *
 * @param {import('node:crypto').KeyObject} key the AccessSecret
 * @param {string} signatureBase64 the call's `x-ca-signature`
 * @returns {Envelopes}
 */
function createEnvelopes(key, signatureBase64) {
  const callSignature = Buffer.from(signatureBase64, 'base64');
  if (callSignature.length !== MAC_LENGTH || callSignature.toString('base64') !== signatureBase64) {
    throw new RangeError('the call signature must be the canonical base64 of 32 bytes');
  }
  let n = 0n;
  let ended = false;
  function envelope(kind, payload) {
    if (ended) {
      throw new Error('the end marker was sent: a version-2 call sends nothing after it');
    }
    n += 1n;
    const mac = crypto.createHmac('sha256', key).update(macInput(callSignature, kind, n, payload)).digest();
    return Buffer.concat([Buffer.from([kind]), mac, payload]);
  }
  return Object.freeze({
    seal: (payload) => envelope(KIND.MESSAGE, Buffer.from(payload)),
    end: () => {
      const marker = envelope(KIND.END, Buffer.alloc(0));
      ended = true;
      return marker;
    },
  });
}

module.exports = { KIND, ENVELOPE_OVERHEAD, macInput, createEnvelopes };
