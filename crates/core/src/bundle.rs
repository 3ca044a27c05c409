//! The bundle: one benchmark in one versioned, checksummed, compressed binary file, decoded in the
//! browser and natively alike.
//!
//! Layout (little-endian):
//! ```text
//! magic     8 bytes  "VLRBNDL\0"
//! version   u32      FORMAT_VERSION
//! raw_len   u64      length of the serialized benchmark before compression
//! body_len  u64      length of the compressed body that follows
//! sha256    32 bytes digest of the compressed body
//! body      deflate(postcard(Benchmark) [+ postcard(Sections)])
//! ```
//! The optional trailing `Sections` carry what later versions added without changing the bytes
//! of a bundle that has none of it: the samples' question text.
//! A wrong magic, version, length or digest, or a body that does not inflate or deserialize to a
//! valid benchmark, is an error: decoding never panics.

use std::io::{Read, Write};

use sha2::{Digest, Sha256};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Benchmark, Questions};

/// First bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"VLRBNDL\0";
/// The format version this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The protocol version the numbers follow (shown next to them).
pub const PROTOCOL_VERSION: &str =
    "vlrb-protocol-1 (VL-RouterBench arXiv 2512.23562, decisions of protocol.md)";
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 32;
/// Largest serialized benchmark accepted (guards against decompression bombs).
const MAX_RAW_LEN: u64 = 4 << 30;

/// Serializes, compresses and checksums a benchmark (which must validate).
pub fn encode(bench: &Benchmark) -> Result<Vec<u8>> {
    bench.validate()?;
    let mut raw = postcard::to_allocvec(bench)
        .map_err(|e| Error::Value(format!("cannot serialize benchmark: {e}")))?;
    if bench.questions.is_some() {
        let sections = Sections {
            questions: bench.questions.clone(),
        };
        raw = postcard::to_extend(&sections, raw)
            .map_err(|e| Error::Value(format!("cannot serialize question text: {e}")))?;
    }
    deflate(&raw)
        .map(|body| {
            let mut out = Vec::with_capacity(HEADER_LEN + body.len());
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            out.extend_from_slice(&(raw.len() as u64).to_le_bytes());
            out.extend_from_slice(&(body.len() as u64).to_le_bytes());
            out.extend_from_slice(&Sha256::digest(&body));
            out.extend_from_slice(&body);
            out
        })
        .map_err(|e| Error::Value(format!("cannot compress benchmark: {e}")))
}

/// Facts about a bundle read from its header alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Format version.
    pub version: u32,
    /// Serialized size before compression.
    pub raw_len: u64,
    /// Compressed body size.
    pub body_len: u64,
    /// Hex SHA-256 of the body: the bundle's identity.
    pub sha256: String,
}

/// Reads and checks the header (magic, version, lengths) without touching the body.
pub fn read_header(bytes: &[u8]) -> Result<Header> {
    if bytes.len() < HEADER_LEN {
        return Err(Error::Corrupt(format!(
            "file is {} bytes, shorter than the {HEADER_LEN}-byte header",
            bytes.len()
        )));
    }
    if &bytes[..8] != MAGIC {
        return Err(Error::Corrupt(
            "not a vlrb bundle (wrong magic bytes)".into(),
        ));
    }
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
    let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or([0; 4]));
    if version != FORMAT_VERSION {
        return Err(Error::Corrupt(format!(
            "bundle format version {version}, this build reads version {FORMAT_VERSION}"
        )));
    }
    let (raw_len, body_len) = (u64_at(12), u64_at(20));
    let actual = (bytes.len() - HEADER_LEN) as u64;
    if body_len != actual {
        return Err(Error::Corrupt(format!(
            "body is {actual} bytes, header says {body_len} (truncated or padded file)"
        )));
    }
    if raw_len > MAX_RAW_LEN {
        return Err(Error::Corrupt(format!(
            "declared size {raw_len} bytes is implausible"
        )));
    }
    Ok(Header {
        version,
        raw_len,
        body_len,
        sha256: hex(&bytes[28..60]),
    })
}

/// Checks, inflates and deserializes a bundle, then validates the benchmark.
pub fn decode(bytes: &[u8]) -> Result<Benchmark> {
    let header = read_header(bytes)?;
    check_digest(bytes, &header)?;
    let raw = inflate_body(bytes, &header)?;
    from_inflated(&header, &raw)
}

/// The compressed body of a bundle whose header [`read_header`] accepted.
pub fn body(bytes: &[u8]) -> &[u8] {
    bytes.get(HEADER_LEN..).unwrap_or_default()
}

/// Checks the body's SHA-256 against the header's: a bundle altered after it was written is an
/// error.
pub fn check_digest(bytes: &[u8], header: &Header) -> Result<()> {
    check_hex_digest(&hex(&Sha256::digest(body(bytes))), header)
}

/// Checks a digest of the body computed elsewhere (hex, as [`Header::sha256`]), e.g. by the
/// browser's own SHA-256.
pub fn check_hex_digest(digest: &str, header: &Header) -> Result<()> {
    if digest != header.sha256 {
        return Err(Error::Corrupt(
            "checksum mismatch: the body was altered".into(),
        ));
    }
    Ok(())
}

/// Inflates the body, at most the header's `raw_len` bytes (plus one, to see a longer body).
pub fn inflate_body(bytes: &[u8], header: &Header) -> Result<Vec<u8>> {
    inflate(body(bytes), header.raw_len)
        .map_err(|e| Error::Corrupt(format!("body does not inflate: {e}")))
}

/// Deserializes and validates an inflated body (from [`inflate_body`], or inflated elsewhere,
/// e.g. by the browser's own decompressor: the same bytes give the same benchmark).
pub fn from_inflated(header: &Header, raw: &[u8]) -> Result<Benchmark> {
    if raw.len() as u64 != header.raw_len {
        return Err(Error::Corrupt(format!(
            "body inflates to {} bytes, header says {}",
            raw.len(),
            header.raw_len
        )));
    }
    let (mut bench, rest): (Benchmark, &[u8]) = postcard::take_from_bytes(raw)
        .map_err(|e| Error::Corrupt(format!("body does not deserialize: {e}")))?;
    if !rest.is_empty() {
        let sections: Sections = postcard::from_bytes(rest).map_err(|e| {
            Error::Corrupt(format!("body's trailing sections do not deserialize: {e}"))
        })?;
        bench.questions = sections.questions;
    }
    bench
        .validate()
        .map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok(bench)
}

/// What a bundle's body carries after the benchmark, when any of it is present.
#[derive(Serialize, Deserialize)]
struct Sections {
    /// The samples' question text, deflated on its own so decoding skips it.
    questions: Option<Questions>,
}

/// Deflates `raw` at the best compression (the bundle's body, and its question text).
pub(crate) fn deflate(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw)?;
    encoder.finish()
}

/// Inflates `deflated`, reading at most `limit + 1` bytes, so a caller sees a body longer than
/// it expects without inflating a decompression bomb.
pub(crate) fn inflate(deflated: &[u8], limit: u64) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::with_capacity(limit.min(1 << 28) as usize);
    flate2::read::DeflateDecoder::new(deflated)
        .take(limit + 1)
        .read_to_end(&mut raw)?;
    Ok(raw)
}

/// Lower-case hex of `bytes` (how [`Header::sha256`] spells a digest).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
