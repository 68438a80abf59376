'use strict';
// @keygate/client: signs gRPC calls to a Keygate gateway (docs/signature-spec.md).
//
//   const { createSigner, signingInterceptor } = require('@keygate/client');
//   const signer = createSigner({ accessKey, secret: fs.readFileSync(secretFile, 'utf8') });
//   const client = new SomeServiceClient('gw.example:443', grpc.credentials.createSsl(ca), {
//     interceptors: [signingInterceptor(signer, { authority: 'api.tenant-a.example:443' })],
//   });
//
// Signature version 2 (every request message signed): createSigner({ ..., signEveryMessage: true })
// and a client built from envelopingService(SomeServiceService).

const signer = require('./signer');
const envelopes = require('./envelopes');
const { signingInterceptor, envelopingService, envelopeSerializer } = require('./interceptor');

module.exports = {
  ...signer,
  KIND: envelopes.KIND,
  ENVELOPE_OVERHEAD: envelopes.ENVELOPE_OVERHEAD,
  signingInterceptor,
  envelopingService,
  envelopeSerializer,
};
