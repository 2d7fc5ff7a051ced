//! Byte decoding: UTF-8 (BOM dropped), UTF-16 with BOM, and Windows-1252 for
//! anything else, which never fails (every byte maps to a character).

use super::Encoding;

/// True when the bytes look like a binary file: a NUL byte in the first
/// 8 KiB of a file that has no UTF-16 byte order mark.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// Decodes `bytes` into text and says how.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return (text.into_owned(), Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return (text.into_owned(), Encoding::Utf16le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return (text.into_owned(), Encoding::Utf16be);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), Encoding::Windows1252)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_is_decoded() {
        let (t, e) = decode(b"caf\xe9 \x93quoted\x94");
        assert_eq!(t, "café “quoted”");
        assert_eq!(e, Encoding::Windows1252);
    }

    #[test]
    fn boms_are_detected_and_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi"), ("hi".into(), Encoding::Utf8Bom));
        assert_eq!(decode(b"\xFF\xFEh\0i\0"), ("hi".into(), Encoding::Utf16le));
        assert_eq!(decode(b"\xFE\xFF\0h\0i"), ("hi".into(), Encoding::Utf16be));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(looks_binary(b"ab\0cd"));
        assert!(!looks_binary(b"\xFF\xFEa\0"));
    }
}
