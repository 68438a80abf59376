'use strict';
// @keygate/client: signs gRPC calls to a Keygate gateway (docs/signature-spec.md).
//
//   const { createSigner, signingInterceptor } = require('@keygate/client');
//   const signer = createSigner({ accessKey, secret: fs.readFileSync(secretFile, 'utf8') });
//   const client = new SomeServiceClient('gw.example:443', grpc.credentials.createSsl(ca), {
//     interceptors: [signingInterceptor(signer, { authority: 'api.tenant-a.example:443' })],
//   });

const signer = require('./signer');
const { signingInterceptor } = require('./interceptor');

module.exports = { ...signer, signingInterceptor };
