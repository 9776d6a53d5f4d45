//! RS256 verification on ring, plugged into `jsonwebtoken` as its docs intend (a custom
//! `CryptoProvider`), for builds with the `tls-ring` backend only: jsonwebtoken's own backends
//! are aws-lc-rs and RustCrypto, and either would put a second crypto stack into a tree that has
//! ring already (and aws-lc is exactly what `tls-ring` keeps out). HS256 needs no provider: the
//! verifier keeps a prepared `ring::hmac::Key`.
//!
//! Only verification is offered; the provider is never installed process-wide, the verifier
//! calls its factory directly.

use jsonwebtoken::{
    Algorithm, DecodingKey, DecodingKeyKind, EncodingKey,
    crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier},
    errors::{Error, ErrorKind},
    signature,
};
use ring::signature as ring_sig;

pub(super) static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: no_signer,
    verifier_factory: new_verifier,
    jwk_utils: JwkUtils::new_unimplemented(),
};

fn no_signer(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    Err(ErrorKind::InvalidAlgorithm.into())
}

fn new_verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    match algorithm {
        Algorithm::RS256 if key.family() == jsonwebtoken::AlgorithmFamily::Rsa => Ok(Box::new(Rs256(key.clone()))),
        Algorithm::RS256 => Err(ErrorKind::InvalidKeyFormat.into()),
        _ => Err(ErrorKind::InvalidAlgorithm.into()),
    }
}

struct Rs256(DecodingKey);

impl signature::Verifier<Vec<u8>> for Rs256 {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> Result<(), signature::Error> {
        let checked = match self.0.kind() {
            // PKCS#1 RSAPublicKey DER, as `DecodingKey::from_rsa_pem` extracts it.
            DecodingKeyKind::SecretOrDer(der) => {
                ring_sig::UnparsedPublicKey::new(&ring_sig::RSA_PKCS1_2048_8192_SHA256, der).verify(msg, sig)
            }
            DecodingKeyKind::RsaModulusExponent { n, e } => {
                ring_sig::RsaPublicKeyComponents { n, e }.verify(&ring_sig::RSA_PKCS1_2048_8192_SHA256, msg, sig)
            }
        };
        checked.map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Rs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}
