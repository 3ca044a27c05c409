//! Decoding a bundle in the browser, in the page and in the training worker alike.
//!
//! The two costly steps of [`vlrb_core::bundle::decode`], the body's SHA-256 and its inflate, are
//! done by the browser's own code (`crypto.subtle.digest` and `DecompressionStream("deflate-raw")`)
//! instead of the same steps compiled to wasm (the demo's decode in the page: about 128 ms down to
//! about 102 ms, BENCHMARKS.md). The inflated bytes then go through the core's own
//! [`bundle::from_inflated`], so the benchmark is the one the core decodes, bit for bit. Where the browser lacks either API (an insecure origin has no
//! `crypto.subtle`) the core does that step; where the browser's inflate fails, the core decodes
//! the whole bundle, so a broken bundle gets the core's specific error.

use js_sys::{Reflect, Uint8Array};
use vlrb_core::Result;
use vlrb_core::bundle::{self, Header};
use vlrb_core::model::Benchmark;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The Compression Streams API's decompressor (web-sys has it only behind its unstable APIs).
    type DecompressionStream;

    #[wasm_bindgen(constructor, catch, js_class = "DecompressionStream")]
    fn new(format: &str) -> std::result::Result<DecompressionStream, JsValue>;
}

/// Checks, inflates and deserializes a bundle as [`bundle::decode`] does, with the browser's
/// SHA-256 and inflate where it has them.
pub async fn decode(bytes: &[u8]) -> Result<Benchmark> {
    let header = bundle::read_header(bytes)?;
    let body = Uint8Array::from(bundle::body(bytes));
    match digest(&body).await {
        Some(hex) => bundle::check_hex_digest(&hex, &header)?,
        None => bundle::check_digest(bytes, &header)?,
    }
    match inflate(&body, &header).await {
        Inflated::Done(raw) => bundle::from_inflated(&header, &raw),
        // The core's decode names what is wrong with the body.
        Inflated::Refused => bundle::decode(bytes),
        Inflated::Unavailable => {
            bundle::from_inflated(&header, &bundle::inflate_body(bytes, &header)?)
        }
    }
}

/// The global scope's `crypto.subtle`, when this context has one (secure origins only).
fn subtle() -> Option<web_sys::SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).ok()?;
    (!subtle.is_undefined()).then(|| subtle.unchecked_into())
}

/// Hex SHA-256 of `body` by the browser, or `None` when it cannot compute it (the core will).
async fn digest(body: &Uint8Array) -> Option<String> {
    let promise = subtle()?
        .digest_with_str_and_buffer_source("SHA-256", body)
        .ok()?;
    let digest = JsFuture::from(promise).await.ok()?;
    Some(bundle::hex(&Uint8Array::new(&digest).to_vec()))
}

/// What the browser's inflate made of a body.
enum Inflated {
    /// The inflated bytes, no longer than the header says.
    Done(Vec<u8>),
    /// The body does not inflate, or inflates past the header's length (read no further, so a
    /// decompression bomb stops there).
    Refused,
    /// This browser has no `DecompressionStream`.
    Unavailable,
}

/// The body inflated by the browser's `DecompressionStream("deflate-raw")`.
async fn inflate(body: &Uint8Array, header: &Header) -> Inflated {
    // Without the API the constructor throws (a ReferenceError), caught here.
    let decompressor = DecompressionStream::new("deflate-raw");
    // A Response over the bytes gives their stream without a Blob (whose large contents the
    // browser keeps out of process, to be read back over IPC).
    let source = web_sys::Response::new_with_opt_buffer_source(Some(body));
    let (Ok(decompressor), Some(source)) = (decompressor, source.ok().and_then(|r| r.body()))
    else {
        return Inflated::Unavailable;
    };
    let stream = source.pipe_through(decompressor.unchecked_ref::<web_sys::ReadableWritablePair>());
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let limit = header.raw_len as usize;
    match read_all(&reader, limit, Some(limit), |_| {}).await {
        Ok(raw) => Inflated::Done(raw),
        Err(_) => Inflated::Refused,
    }
}

/// Why a byte stream could not be read to its end.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The stream failed: the browser's error.
    #[error("the stream failed: {0:?}")]
    Failed(JsValue),
    /// It held more bytes than allowed (reading stopped there and the stream was cancelled).
    #[error("the stream holds more bytes than allowed")]
    TooLong,
}

/// Reads a byte stream to its end into one buffer (`capacity` bytes reserved up front), calling
/// `on_chunk` with the count read so far after each chunk. Past `limit` bytes (when given) it stops
/// and cancels the stream, so a decompression bomb or an oversized download goes no further.
pub async fn read_all(
    reader: &web_sys::ReadableStreamDefaultReader,
    capacity: usize,
    limit: Option<usize>,
    mut on_chunk: impl FnMut(usize),
) -> std::result::Result<Vec<u8>, StreamError> {
    let mut out = Vec::with_capacity(capacity);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(StreamError::Failed)?;
        let done = Reflect::get(&chunk, &"done".into()).map_err(StreamError::Failed)?;
        if done.as_bool() != Some(false) {
            return Ok(out);
        }
        let value = Reflect::get(&chunk, &"value".into()).map_err(StreamError::Failed)?;
        let bytes = Uint8Array::new(&value);
        let start = out.len();
        let end = start + bytes.length() as usize;
        if limit.is_some_and(|limit| end > limit) {
            let _ = reader.cancel();
            return Err(StreamError::TooLong);
        }
        out.resize(end, 0);
        bytes.copy_to(&mut out[start..end]);
        on_chunk(end);
    }
}
