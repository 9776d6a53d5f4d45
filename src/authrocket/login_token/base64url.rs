//! Strict unpadded base64url (RFC 4648 §5, as JWTs use it), decoded into a buffer the caller
//! owns (an HS256 signature, on the stack) or into a new one of exactly the decoded length (the
//! payload, which the session keeps).
//!
//! `base64-simd` does the decoding (AVX2/SSE4.1/NEON where the CPU has them, a table otherwise:
//! about a fifth of the time of a scalar table decoder on a token's payload). It accepts exactly
//! what `base64`'s `URL_SAFE_NO_PAD` engine accepts: no `=`, no other alphabet, no length of the
//! form 4n + 1, and no stray bits in the last character, so one token has one encoding and a
//! changed character never decodes to the same bytes (the unit tests compare the two on random
//! input).

/// The decoded length of `encoded_len` characters, or `None` for a length no unpadded base64
/// text has (4n + 1).
pub(super) fn decoded_len(encoded_len: usize) -> Option<usize> {
    match encoded_len % 4 {
        1 => None,
        rest => Some(encoded_len / 4 * 3 + rest.saturating_sub(1)),
    }
}

/// Decodes `input` into the start of `out` and returns that part; `None` for anything that is
/// not strict unpadded base64url, or an `out` shorter than [`decoded_len`].
pub(super) fn decode_into<'o>(input: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let decoded = out.get_mut(..decoded_len(input.len())?)?;
    base64_simd::URL_SAFE_NO_PAD
        .decode(input, base64_simd::Out::from_slice(decoded))
        .ok()
        .map(|d| &*d)
}

/// Decodes `input` into a new buffer of exactly its decoded length (written once, not zeroed
/// first); `None` for anything that is not strict unpadded base64url.
pub(super) fn decode_to_vec(input: &[u8]) -> Option<Vec<u8>> {
    base64_simd::URL_SAFE_NO_PAD.decode_to_vec(input).ok()
}

#[cfg(test)]
mod tests {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    use proptest::prelude::*;

    use super::{decode_into, decode_to_vec, decoded_len};

    fn ours(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0; input.len()];
        let decoded = decode_into(input, &mut out).map(<[u8]>::to_vec);
        assert_eq!(decode_to_vec(input), decoded, "the two entry points agree");
        decoded
    }

    #[test]
    fn decodes_what_the_base64_crate_encodes() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let encoded = URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(decoded_len(encoded.len()), Some(len));
            assert_eq!(ours(encoded.as_bytes()), Some(bytes));
        }
    }

    #[test]
    fn refuses_padding_other_alphabets_stray_bits_and_bad_lengths() {
        for bad in [
            "QQ==", "QUI=", "a+bc", "a/bc", "abcde", "QR", "QUJ", "ab.c", "ab c", "é=",
        ] {
            assert_eq!(ours(bad.as_bytes()), None, "{bad}");
            assert!(URL_SAFE_NO_PAD.decode(bad).is_err(), "{bad}");
        }
        let mut short = [0u8; 2];
        assert_eq!(decode_into(b"QUJD", &mut short), None, "an out buffer too small");
    }

    proptest! {
        #[test]
        fn agrees_with_the_base64_crate(input in proptest::collection::vec(
            prop_oneof![Just(b'A'), Just(b'Q'), Just(b'z'), Just(b'0'), Just(b'-'), Just(b'_'), Just(b'='),
                        Just(b'+'), Just(b'/'), Just(b'.'), any::<u8>()],
            0..60,
        )) {
            prop_assert_eq!(ours(&input), URL_SAFE_NO_PAD.decode(&input).ok());
        }
    }
}
