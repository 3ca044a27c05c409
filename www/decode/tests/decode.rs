//! The browser's decode (SubtleCrypto, DecompressionStream) against the core's, in headless
//! Chromium: the same benchmark for good bundles, the same error for broken ones.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test stops at a failed setup step"
)]

use sha2::{Digest, Sha256};
use vlrb_core::bundle;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixture-tiny.vlrb");
const MATHVISTA: &[u8] = include_bytes!("../../../public/bundles/mathvista.vlrb");
/// Bytes before the body: magic, version, raw length, body length, SHA-256.
const HEADER_LEN: usize = 60;

/// Both decodes' results, errors as their messages.
async fn both(
    bytes: &[u8],
) -> (
    Result<vlrb_core::Benchmark, String>,
    Result<vlrb_core::Benchmark, String>,
) {
    let browser = vlrb_web_decode::decode(bytes)
        .await
        .map_err(|e| e.to_string());
    let core = bundle::decode(bytes).map_err(|e| e.to_string());
    (browser, core)
}

/// `bytes` with its body replaced by `body` and the header's body length and digest to match.
fn resigned(bytes: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = bytes[..HEADER_LEN].to_vec();
    out[20..28].copy_from_slice(&(body.len() as u64).to_le_bytes());
    out[28..60].copy_from_slice(&Sha256::digest(body));
    out.extend_from_slice(body);
    out
}

#[wasm_bindgen_test]
async fn good_bundles_decode_to_the_cores_benchmark() {
    // The browser path runs here (a localhost page is a secure context), not the core's fallback.
    let global = js_sys::global();
    let crypto = js_sys::Reflect::get(&global, &"crypto".into()).unwrap();
    assert!(
        !js_sys::Reflect::get(&crypto, &"subtle".into())
            .unwrap()
            .is_undefined()
    );
    assert!(js_sys::Reflect::has(&global, &"DecompressionStream".into()).unwrap());
    for bytes in [FIXTURE, MATHVISTA] {
        let (browser, core) = both(bytes).await;
        let core = core.expect("the core decodes a shipped bundle");
        assert_eq!(browser.expect("the browser decodes it too"), core);
    }
    // MathVista carries question text in its trailing section: it survives too.
    let (browser, _) = both(MATHVISTA).await;
    assert!(browser.unwrap().questions.is_some());
}

#[wasm_bindgen_test]
async fn an_altered_body_fails_the_digest_as_in_the_core() {
    let mut bytes = FIXTURE.to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    let (browser, core) = both(&bytes).await;
    assert_eq!(browser.unwrap_err(), core.unwrap_err());
}

#[wasm_bindgen_test]
async fn a_body_that_does_not_inflate_gets_the_cores_error() {
    // Correctly signed, but not deflate data: the browser's inflate refuses it.
    let bytes = resigned(FIXTURE, &[0xff; 64]);
    let (browser, core) = both(&bytes).await;
    let core = core.unwrap_err();
    assert!(core.contains("does not inflate"), "{core}");
    assert_eq!(browser.unwrap_err(), core);
}

#[wasm_bindgen_test]
async fn a_body_longer_than_its_header_says_is_refused() {
    // The raw length is outside the digest: claim fewer bytes than the body inflates to.
    let mut bytes = FIXTURE.to_vec();
    let raw_len = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
    bytes[12..20].copy_from_slice(&(raw_len / 2).to_le_bytes());
    let (browser, core) = both(&bytes).await;
    let core = core.unwrap_err();
    assert!(core.contains("header says"), "{core}");
    assert_eq!(browser.unwrap_err(), core);
}
