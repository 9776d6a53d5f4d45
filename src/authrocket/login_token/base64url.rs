//! Strict unpadded base64url (RFC 4648 §5, as JWTs use it), decoded into a buffer the caller
//! owns, so verifying a token needs no allocation for its signature or payload.
//!
//! It accepts exactly what `base64`'s `URL_SAFE_NO_PAD` engine accepts: no `=`, no other
//! alphabet, no length of the form 4n + 1, and no stray bits in the last character, so one token
//! has one encoding (the unit tests compare the two on random input).

/// Not an alphabet character (any value with the high bit set).
const INVALID: u8 = 0xFF;

/// Each byte's 6-bit value, or [`INVALID`].
const TABLE: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Set in every [`SHIFTED`] entry of a byte that is not an alphabet character (above the 24
/// bits four characters decode to).
const SHIFTED_INVALID: u32 = 1 << 31;

/// [`TABLE`] with each value already at its place among the 24 bits of a group of four
/// characters (`SHIFTED[i]` for the `i`-th), so a group decodes with four look-ups ORed together.
static SHIFTED: [[u32; 256]; 4] = {
    let mut tables = [[SHIFTED_INVALID; 256]; 4];
    let mut byte = 0;
    while byte < 256 {
        let v = TABLE[byte];
        if v != INVALID {
            let mut i = 0;
            while i < 4 {
                tables[i][byte] = (v as u32) << (18 - 6 * i);
                i += 1;
            }
        }
        byte += 1;
    }
    tables
};

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
    let len = decoded_len(input.len())?;
    let decoded = out.get_mut(..len)?;
    // Eight characters (48 bits) at a time: read as one word, each character looked up at its
    // place in the two groups of four and ORed together (few loads, no chain of shifts); then
    // four, then the last two or three.
    let mut invalid = 0u32;
    let (wide, _) = input.as_chunks::<8>();
    for (i, chunk) in wide.iter().enumerate() {
        let w = u64::from_le_bytes(*chunk);
        let at = |group: usize, k: u32| SHIFTED[group][usize::from((w >> (8 * k)) as u8)];
        let first = (at(0, 0) | at(1, 1)) | (at(2, 2) | at(3, 3));
        let second = (at(0, 4) | at(1, 5)) | (at(2, 6) | at(3, 7));
        invalid |= first | second;
        let bytes = (u64::from(first) << 40 | u64::from(second) << 16).to_be_bytes();
        // Eight bytes stored at once where the output has room (the last two are overwritten
        // by the next step), six at the end.
        match decoded.get_mut(i * 6..i * 6 + 8) {
            Some(out) => out.copy_from_slice(&bytes),
            None => decoded[i * 6..i * 6 + 6].copy_from_slice(&bytes[..6]),
        }
    }
    if invalid & SHIFTED_INVALID != 0 {
        return None;
    }
    // Every looked-up value ORed together: one check at the end for an invalid character.
    let mut seen = 0u8;
    let wide = wide.len();
    let (input, out) = (&input[wide * 8..], &mut decoded[wide * 6..]);
    let mut chunks = input.chunks_exact(4);
    let mut outs = out.chunks_exact_mut(3);
    for (chunk, o) in (&mut chunks).zip(&mut outs) {
        let (a, b, c, d) = (
            TABLE[usize::from(chunk[0])],
            TABLE[usize::from(chunk[1])],
            TABLE[usize::from(chunk[2])],
            TABLE[usize::from(chunk[3])],
        );
        seen |= a | b | c | d;
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        o[0] = (n >> 16) as u8;
        o[1] = (n >> 8) as u8;
        o[2] = n as u8;
    }
    let tail = outs.into_remainder();
    match *chunks.remainder() {
        [] => {}
        [a, b] => {
            let (a, b) = (TABLE[usize::from(a)], TABLE[usize::from(b)]);
            // The last character carries 2 bits; the other 4 must be zero.
            seen |= a | b | if b & 0x0F != 0 { INVALID } else { 0 };
            tail[0] = a << 2 | b >> 4;
        }
        [a, b, c] => {
            let (a, b, c) = (TABLE[usize::from(a)], TABLE[usize::from(b)], TABLE[usize::from(c)]);
            // The last character carries 4 bits; the other 2 must be zero.
            seen |= a | b | c | if c & 0x03 != 0 { INVALID } else { 0 };
            tail[0] = a << 2 | b >> 4;
            tail[1] = b << 4 | c >> 2;
        }
        _ => return None,
    }
    (seen & 0x80 == 0).then_some(&*decoded)
}

#[cfg(test)]
mod tests {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    use proptest::prelude::*;

    use super::{decode_into, decoded_len};

    fn ours(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0; input.len()];
        decode_into(input, &mut out).map(<[u8]>::to_vec)
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
